import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULT_SUPERGRAPH_PATH } from './config';
import { subgraphs, subscriptionSubgraphs } from './subgraphs';
import { supergraphRoutes } from './supergraph-routes';

describe('supergraphRoutes', () => {
  it('finds every subgraph of the committed supergraph at its composed URL, and who serves subscriptions', () => {
    const routes = supergraphRoutes(readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'));
    expect(routes.map((r) => r.name).sort()).toEqual(subgraphs.map((s) => s.name).sort());
    for (const route of routes) {
      const module = subgraphs.find((s) => s.name === route.name)!;
      expect(route.url).toBe(`http://127.0.0.1:${module.defaultPort}/graphql`);
      expect(route.subscriptions).toBe(subscriptionSubgraphs.has(route.name));
    }
  });

  it('reads names and URLs from join__graph, whatever the enum values are called', () => {
    const sdl = `
      enum join__Graph {
        ALPHA_1 @join__graph(name: "alpha", url: "http://alpha:1/graphql")
        B @join__graph(name: "beta", url: "http://beta:2/graphql")
      }
      type Query @join__type(graph: ALPHA_1) { a: Int }
      type Subscription @join__type(graph: B) { b: Int }
    `;
    expect(supergraphRoutes(sdl)).toEqual([
      { name: 'alpha', url: 'http://alpha:1/graphql', subscriptions: false },
      { name: 'beta', url: 'http://beta:2/graphql', subscriptions: true },
    ]);
  });
});
