import { readFileSync } from 'node:fs';
import { createJwtVerifier } from '@hub/auth';
import { loadConfigOrExit, loadConfigs } from '@hub/config';
import { DEFAULT_SUPERGRAPH_PATH, loadGatewayConfig } from './config';
import { createGateway } from './create-gateway';
import { loadEdgeConfig } from './edge-config';
import { closeOnSignal } from './shutdown';
import { supergraphRoutes } from './supergraph-routes';
import { startGatewayTracing } from './telemetry';

// The standalone gateway (docker-compose, MySQL mode; `pnpm --filter @hub/gateway build` bundles
// it for production): subgraphs run as their own processes, the supergraph is the committed file,
// and <NAME>_URL points at each subgraph the supergraph names. A configuration production refuses
// (development secrets…) ends the process here, with every problem named.
const supergraphSdl = readFileSync(process.env.SUPERGRAPH_PATH || DEFAULT_SUPERGRAPH_PATH, 'utf8');
const routes = supergraphRoutes(supergraphSdl);
const [config, edge] = loadConfigOrExit(() =>
  loadConfigs(
    () => loadGatewayConfig(process.env, routes.map((route) => route.name)),
    () => loadEdgeConfig(process.env),
  ),
);
// Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set (see telemetry.ts).
const tracing = await startGatewayTracing();
const gateway = createGateway({
  supergraphSdl,
  subgraphs: routes.map((route) => ({ ...route, url: config.subgraphUrls[route.name] ?? route.url })),
  verifyToken: createJwtVerifier(config.jwt),
  gatewaySecret: config.gatewaySecret,
  edge,
  ide: config.ide,
  introspection: config.introspection,
  metrics: config.metrics,
  redisUrl: config.redisUrl,
  queryPlanner: config.queryPlanner,
  tracing,
});
// SIGTERM drains (see create-gateway's close), bounded by SHUTDOWN_TIMEOUT_MS.
closeOnSignal(async () => {
  await gateway.close();
  await tracing?.shutdown();
}, config.shutdownTimeoutMs);
console.log(`gateway ready at ${await gateway.listen(config.port, config.host)}`);
