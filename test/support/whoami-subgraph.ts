import { setTimeout as sleep } from 'node:timers/promises';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { parse } from 'graphql';
import type { Claims } from '@hub/auth';
import { startSubgraphServer, type SubgraphModule } from '@hub/graphql-kit';

const typeDefs = parse(/* GraphQL */ `
  extend schema @link(url: "https://specs.apollo.dev/federation/v2.6", import: ["@key"])

  type Query {
    "The caller as the subgraph sees it; delayMs holds the request open to overlap requests."
    whoami(delayMs: Int): Caller
  }

  type Mutation {
    echo(text: String!): String!
  }

  type Caller @key(fields: "sub") {
    sub: String!
    role: String!
    partnerId: String
    distributorId: String
  }
`);

interface Context {
  claims: Claims | null;
}

const resolvers = {
  Query: {
    whoami: async (_: unknown, args: { delayMs?: number | null }, context: Context) => {
      if (args.delayMs) await sleep(args.delayMs);
      return context.claims;
    },
  },
  Mutation: {
    echo: (_: unknown, args: { text: string }) => args.text,
  },
};

/**
 * A test-only subgraph that echoes the claims the gateway forwarded, served by the same signed
 * server as the real subgraphs: it shows what a subgraph receives, which no domain field does.
 */
export const whoamiSubgraph: SubgraphModule = {
  name: 'whoami',
  defaultPort: 0,
  buildSchema: async () => buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]),
  seed: async () => 'whoami: keeps no data',
  start: async (options) => {
    const running = await startSubgraphServer<Context>(
      {
        name: 'whoami',
        schema: buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]),
        gatewaySecret: options.gatewaySecret,
        createContext: (claims) => ({ claims }),
      },
      options.port,
      options.host,
    );
    return { name: 'whoami', url: running.url, close: running.close };
  },
};
