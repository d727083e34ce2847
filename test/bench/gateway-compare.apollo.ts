import { readFileSync } from 'node:fs';
import { ApolloGateway, RemoteGraphQLDataSource, type GraphQLDataSourceProcessOptions } from '@apollo/gateway';
import { ApolloServer } from '@apollo/server';
import { startStandaloneServer } from '@apollo/server/standalone';
import { GraphQLError } from 'graphql';
import { bearerToken, createJwtVerifier, signGatewayRequest, type Claims } from '@hub/auth';

/**
 * The comparison's Apollo Gateway: a minimal Apollo Server in front of the same supergraph and
 * subgraphs, doing the same per-request work the hub's gateway must do to be served at all: it
 * verifies the caller's token and signs every subgraph request with the caller's claims over
 * the exact body Apollo sends. Reads SUPERGRAPH_PATH, SUBGRAPH_URLS (JSON, name → URL),
 * JWT_SECRET and GATEWAY_SECRET; prints `gateway ready at <url>` once it serves.
 */
interface Context {
  claims: Claims;
}

const env = (name: string) => process.env[name] ?? (() => { throw new Error(`${name} is required`); })();
const subgraphUrls = JSON.parse(env('SUBGRAPH_URLS')) as Record<string, string>;
const gatewaySecret = env('GATEWAY_SECRET');
const verify = createJwtVerifier({ secret: env('JWT_SECRET') });

class SignedDataSource extends RemoteGraphQLDataSource<Context> {
  constructor(private readonly subgraph: string) {
    super({ url: subgraphUrls[subgraph] });
  }

  override willSendRequest({ request, context }: GraphQLDataSourceProcessOptions<Context>): void {
    // Apollo posts JSON.stringify({ query, ...the rest but http }); the signature covers those bytes.
    const { http, query, ...rest } = request;
    const body = JSON.stringify({ query, ...rest });
    const claims = 'claims' in context ? context.claims : null;
    for (const [name, value] of Object.entries(signGatewayRequest({ secret: gatewaySecret, subgraph: this.subgraph, claims, body }))) {
      http?.headers.set(name, value);
    }
  }
}

const gateway = new ApolloGateway({
  supergraphSdl: readFileSync(env('SUPERGRAPH_PATH'), 'utf8'),
  buildService: ({ name }) => new SignedDataSource(name),
});
const server = new ApolloServer<Context>({ gateway });
const { url } = await startStandaloneServer(server, {
  listen: { port: Number(process.env.PORT ?? 0), host: '127.0.0.1' },
  context: async ({ req }) => {
    const token = bearerToken(req.headers.authorization);
    try {
      if (!token) throw new Error('missing bearer token');
      return { claims: await verify(token) };
    } catch (error) {
      throw new GraphQLError((error as Error).message, { extensions: { code: 'UNAUTHENTICATED', http: { status: 401 } } });
    }
  },
});
console.log(`gateway ready at ${url}graphql`);
