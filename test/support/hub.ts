import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createJwtVerifier, mintToken, type Claims } from '@hub/auth';
import { createGateway } from '@hub/gateway';
import { composeSupergraph, printSubgraphs } from '@hub/gateway/compose';
import { subscriptionSubgraphs } from '@hub/gateway/subgraphs';
import { InProcessBus } from '@hub/events';
import type { StartedSubgraph, SubgraphModule } from '@hub/graphql-kit';

export const JWT_SECRET = 'e2e-jwt-secret-at-least-32-characters-long';
export const GATEWAY_SECRET = 'e2e-gateway-secret-at-least-32-characters';

export interface RunningHub {
  /** The gateway's GraphQL endpoint. */
  url: string;
  origin: string;
  subgraphs: StartedSubgraph[];
  token(claims: Claims): Promise<string>;
  close(): Promise<void>;
}

/**
 * Starts the given subgraphs (embedded SQLite in a temp dir, demo data) and a gateway in front
 * of them, all on free ports, composed the way `pnpm start` composes them.
 */
export async function startHub(modules: readonly SubgraphModule[]): Promise<RunningHub> {
  const dataDir = mkdtempSync(join(tmpdir(), 'hub-e2e-'));
  const subgraphs: StartedSubgraph[] = [];
  const bus = new InProcessBus();
  try {
    for (const module of modules) {
      subgraphs.push(
        await module.start({ gatewaySecret: GATEWAY_SECRET, port: 0, sqliteFile: join(dataDir, `${module.name}.sqlite`), seedDemoData: true, bus }),
      );
    }
    const urls = new Map(subgraphs.map((s) => [s.name, s.url]));
    const supergraphSdl = composeSupergraph(await printSubgraphs(modules, (m) => urls.get(m.name) ?? ''));
    const gateway = createGateway({
      supergraphSdl,
      subgraphs: subgraphs.map((s) => ({ name: s.name, url: s.url, subscriptions: subscriptionSubgraphs.has(s.name) })),
      verifyToken: createJwtVerifier({ secret: JWT_SECRET }),
      gatewaySecret: GATEWAY_SECRET,
      logging: 'error',
    });
    const url = await gateway.listen(0);
    return {
      url,
      origin: new URL(url).origin,
      subgraphs,
      token: (claims) => mintToken(claims, { secret: JWT_SECRET, expiresIn: '10m' }),
      close: async () => {
        await gateway.close();
        await closeAll(subgraphs);
        await bus.close();
        rmSync(dataDir, { recursive: true, force: true });
      },
    };
  } catch (error) {
    await closeAll(subgraphs);
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
}

async function closeAll(subgraphs: readonly StartedSubgraph[]): Promise<void> {
  await Promise.all(subgraphs.map((s) => s.close()));
}

/** POSTs a GraphQL operation to the gateway the way an ordinary client does. */
export async function post(
  url: string,
  body: { query: string; variables?: Record<string, unknown> },
  token?: string,
): Promise<{ status: number; json: { data?: unknown; errors?: { message: string; extensions?: Record<string, unknown> }[] } }> {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/graphql-response+json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: JSON.stringify(body),
  });
  return { status: response.status, json: (await response.json()) as never };
}
