import { readFileSync } from 'node:fs';
import { createJwtVerifier } from '@hub/auth';
import { loadConfigOrExit, loadConfigs } from '@hub/config';
import { localSubgraphUrl } from './compose';
import { loadGatewayConfig } from './config';
import { createGateway } from './create-gateway';
import { loadEdgeConfig } from './edge-config';
import { closeOnSignal } from './shutdown';
import { subgraphs, subscriptionSubgraphs } from './subgraphs';

// The standalone gateway (docker-compose, MySQL mode): subgraphs run as their own processes,
// the supergraph is the committed file, and <NAME>_URL points at each subgraph. A configuration
// production refuses (development secrets…) ends the process here, with every problem named.
const [config, edge] = loadConfigOrExit(() =>
  loadConfigs(
    () => loadGatewayConfig(process.env, subgraphs.map((s) => s.name)),
    () => loadEdgeConfig(process.env),
  ),
);
const gateway = createGateway({
  supergraphSdl: readFileSync(config.supergraphPath, 'utf8'),
  subgraphs: subgraphs.map((s) => ({
    name: s.name,
    url: config.subgraphUrls[s.name] ?? localSubgraphUrl(s.defaultPort),
    subscriptions: subscriptionSubgraphs.has(s.name),
  })),
  verifyToken: createJwtVerifier(config.jwt),
  gatewaySecret: config.gatewaySecret,
  edge,
  ide: config.ide,
  introspection: config.introspection,
  redisUrl: config.redisUrl,
});
closeOnSignal(() => gateway.close());
console.log(`gateway ready at ${await gateway.listen(config.port, config.host)}`);
