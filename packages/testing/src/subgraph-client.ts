import { signGatewayRequest, type Claims } from '@hub/auth';

export interface GraphQLResponse<T = Record<string, unknown>> {
  status: number;
  data?: T;
  errors?: { message: string; path?: (string | number)[]; extensions?: { code?: string; field?: string; [key: string]: unknown } }[];
}

/**
 * Calls a subgraph the way the gateway does: with the caller's claims, signed over the exact
 * body for that subgraph with a fresh nonce. Tests use it to exercise a subgraph alone, without
 * composing the supergraph. The subgraph's name is what its /healthz says unless given.
 */
export function subgraphClient(url: string, gatewaySecret: string, subgraph?: string) {
  let name: Promise<string> | undefined = subgraph === undefined ? undefined : Promise.resolve(subgraph);
  const subgraphName = () =>
    (name ??= fetch(new URL('/healthz', url)).then(async (response) => ((await response.json()) as { subgraph: string }).subgraph));
  return async <T = Record<string, unknown>>(claims: Claims | null, query: string, variables?: Record<string, unknown>): Promise<GraphQLResponse<T>> => {
    const body = JSON.stringify({ query, variables });
    const response = await fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...signGatewayRequest({ secret: gatewaySecret, subgraph: await subgraphName(), claims, body }) },
      body,
    });
    return { status: response.status, ...((await response.json()) as Omit<GraphQLResponse<T>, 'status'>) };
  };
}
