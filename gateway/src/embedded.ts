import { join } from 'node:path';
import { createJwtVerifier, mintToken } from '@hub/auth';
import { loadConfigOrExit, loadConfigs } from '@hub/config';
import { InProcessBus } from '@hub/events';
import type { StartedSubgraph } from '@hub/graphql-kit';
import { startSubgraphTracing } from '@hub/graphql-kit/subgraph-tracing';
import { composeSupergraph, printSubgraphs } from './compose';
import { loadEmbeddedConfig, subgraphDatabaseUrl } from './config';
import { createGateway, type Gateway } from './create-gateway';
import { runDemoActivity } from './demo-activity';
import { loadEdgeConfig } from './edge-config';
import { closeOnSignal } from './shutdown';
import { subgraphs, subscriptionSubgraphs } from './subgraphs';
import { startGatewayTracing } from './telemetry';

// `pnpm start`: every subgraph and the gateway in this one process. Without DATABASE_URL each
// subgraph keeps a SQLite file under DATA_DIR (default .data/), created and seeded on first start.
const [config] = loadConfigOrExit(() => loadConfigs(() => loadEmbeddedConfig(process.env, subgraphs), () => loadEdgeConfig(process.env)));
// Browsers may call the hub from its own pages (the IDE) unless CORS_ORIGINS says otherwise.
const edge = loadEdgeConfig(process.env, ownOrigins(config.host, config.port));
const started: StartedSubgraph[] = [];
// One process, so one in-process bus carries every subgraph's events to the others.
const bus = new InProcessBus();
let gateway: Gateway | undefined;
// Off unless OTEL_EXPORTER_OTLP_ENDPOINT is set: then one SDK serves the whole process (service
// hub-embedded, the subgraphs' instrumentations) and the gateway adds its plugin to it.
const tracing = await startSubgraphTracing('embedded');
const gatewayTracing = tracing && (await startGatewayTracing({ startSdk: false }));

async function stopAll(): Promise<void> {
  await gateway?.close();
  await Promise.all(started.map((s) => s.close()));
  await bus.close();
  await tracing?.shutdown();
}
closeOnSignal(stopAll);

try {
  for (const module of subgraphs) {
    started.push(
      await module.start({
        databaseUrl: config.databaseUrl && subgraphDatabaseUrl(config.databaseUrl, module.name),
        sqliteFile: join(config.dataDir, `${module.name}.sqlite`),
        gatewaySecret: config.gatewaySecret,
        port: config.subgraphPorts[module.name] ?? module.defaultPort,
        // Subgraphs are reached only through the gateway, so they stay on loopback.
        host: '127.0.0.1',
        seedDemoData: true,
        bus,
      }),
    );
  }
  // Composed from the code that is running rather than read from supergraph.graphql, so the
  // embedded hub always matches its subgraphs (and the ports they actually got).
  const urls = new Map(started.map((s) => [s.name, s.url]));
  const supergraphSdl = composeSupergraph(await printSubgraphs(subgraphs, (m) => urls.get(m.name) ?? ''));
  gateway = createGateway({
    supergraphSdl,
    subgraphs: started.map((s) => ({ name: s.name, url: s.url, subscriptions: subscriptionSubgraphs.has(s.name) })),
    verifyToken: createJwtVerifier(config.jwt),
    gatewaySecret: config.gatewaySecret,
    logging: 'warn',
    edge,
    ide: config.ide,
    introspection: config.introspection,
    metrics: config.metrics,
    tracing: gatewayTracing,
  });
  const url = await gateway.listen(config.port, config.host);
  // Production gets no demo history and no admin token written to its logs.
  if (config.production) console.log(`Partner program hub is running at ${url} (production)`);
  else await welcome(url);
} catch (error) {
  const message = error instanceof Error ? error.message : String(error);
  console.error('The hub could not start:', message);
  const { databaseUrl } = config;
  if (databaseUrl && /Unknown database/i.test(message)) {
    const names = subgraphs.map((s) => decodeURIComponent(new URL(subgraphDatabaseUrl(databaseUrl, s.name)).pathname.slice(1)));
    console.error(`Each subgraph needs its own database; create them first:\n${names.map((n) => `  CREATE DATABASE \`${n}\` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci;`).join('\n')}`);
  }
  await stopAll().catch(() => undefined);
  process.exit(1);
}

/** Development: a short demo history through the API, then a banner with a vendor_admin token. */
async function welcome(url: string): Promise<void> {
  const { secret, issuer, audience } = config.jwt;
  const token = await mintToken({ sub: 'dev-vendor_admin', role: 'vendor_admin' }, { secret, issuer, audience, expiresIn: '12h' });
  // Through the running gateway, before the banner, so the first request a user makes finds
  // deals, licences and statements. It only warns when it fails, and skips a hub with deals.
  if (config.demoActivity) await runDemoActivity({ url, token, log: console });
  console.log(`
Partner program hub is running (${config.databaseUrl ? 'MySQL' : `SQLite in ${config.dataDir}`})
  GraphQL:   ${url}   (open it in a browser for GraphiQL; paste the token into the Authorization header)
  subgraphs: ${started.map((s) => `${s.name} ${s.url}`).join(', ')}

A vendor_admin token (12h; more with: pnpm -s token --role partner --partner <id>):
${token}

Try:
curl -s ${url} -H 'content-type: application/json' -H 'authorization: Bearer ${token}' \\
  -d '{"query":"{ programs { code name tiers { code name } } }"}'
`);
}

/** The origins the hub's own pages are served from; none while the port is not known yet (0). */
function ownOrigins(host: string, port: number): string[] {
  if (port === 0) return [];
  const hosts = new Set(['localhost', '127.0.0.1', ...(host === '0.0.0.0' || host === '::' ? [] : [host])]);
  return [...hosts].map((name) => `http://${name.includes(':') ? `[${name}]` : name}:${port}`);
}
