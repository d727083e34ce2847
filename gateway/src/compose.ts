import { printSubgraphSchema } from '@apollo/subgraph';
import { composeServices } from '@theguild/federation-composition';
import { parse } from 'graphql';
import type { SubgraphModule } from '@hub/graphql-kit';

export interface SubgraphSdl {
  name: string;
  /** Where the gateway reaches the subgraph; written into the supergraph's `join__Graph`. */
  url: string;
  sdl: string;
}

/** The location each subgraph has in the committed supergraph (overridable at runtime). */
export const localSubgraphUrl = (port: number, host = '127.0.0.1') => `http://${host}:${port}/graphql`;

/**
 * Prints each subgraph's SDL from its code. `printSubgraphSchema` keeps `@key` and the other
 * federation directives that graphql-js `printSchema` would drop.
 */
export async function printSubgraphs(
  modules: readonly SubgraphModule[],
  urlOf: (module: SubgraphModule) => string = (module) => localSubgraphUrl(module.defaultPort),
): Promise<SubgraphSdl[]> {
  return Promise.all(
    modules.map(async (module) => ({ name: module.name, url: urlOf(module), sdl: withFinalNewline(printSubgraphSchema(await module.buildSchema())) })),
  );
}

export class CompositionError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`The subgraphs do not compose into a supergraph:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'CompositionError';
  }
}

/** Composes subgraph SDLs into an Apollo Federation v2 supergraph SDL, or explains every error. */
export function composeSupergraph(subgraphs: readonly SubgraphSdl[]): string {
  const result = composeServices(subgraphs.map((s) => ({ name: s.name, url: s.url, typeDefs: parse(s.sdl) })));
  if (result.errors) throw new CompositionError(result.errors.map((error) => error.message));
  return withFinalNewline(result.supergraphSdl);
}

export interface Artifact {
  /** Relative to the repository root. */
  path: string;
  content: string;
}

/** The committed schema files: each subgraph's SDL and the supergraph built from them. */
export async function composeArtifacts(modules: readonly SubgraphModule[]): Promise<Artifact[]> {
  const subgraphs = await printSubgraphs(modules);
  return [
    ...subgraphs.map((s) => ({ path: `subgraphs/${s.name}/schema.graphql`, content: s.sdl })),
    { path: 'supergraph.graphql', content: composeSupergraph(subgraphs) },
  ];
}

/** Paths whose committed content (undefined when missing) differs from what the code produces. */
export function findDrift(artifacts: readonly Artifact[], readCommitted: (path: string) => string | undefined): string[] {
  return artifacts.filter((artifact) => readCommitted(artifact.path) !== artifact.content).map((artifact) => artifact.path);
}

function withFinalNewline(text: string): string {
  return text.endsWith('\n') ? text : `${text}\n`;
}
