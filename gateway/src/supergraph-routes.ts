import { Kind, parse, type ConstDirectiveNode } from 'graphql';
import type { SubgraphRoute } from './create-gateway';

const stringArgument = (directive: ConstDirectiveNode, name: string): string | undefined => {
  const value = directive.arguments?.find((argument) => argument.name.value === name)?.value;
  return value?.kind === Kind.STRING || value?.kind === Kind.ENUM ? value.value : undefined;
};

/**
 * The subgraphs a composed supergraph names (`join__Graph`), at the URL composed into it, and
 * whether each serves Subscription fields. The standalone gateway routes from this alone, so it
 * loads none of the subgraphs' code (their ORM, resolvers and drivers stay out of its memory).
 */
export function supergraphRoutes(supergraphSdl: string): SubgraphRoute[] {
  const document = parse(supergraphSdl, { noLocation: true });
  const graphs: { graph: string; name: string; url: string }[] = [];
  const subscriptionGraphs = new Set<string>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === 'join__Graph') {
      for (const value of definition.values ?? []) {
        const directive = value.directives?.find((d) => d.name.value === 'join__graph');
        const name = directive && stringArgument(directive, 'name');
        const url = directive && stringArgument(directive, 'url');
        if (name !== undefined && url !== undefined) graphs.push({ graph: value.name.value, name, url });
      }
    }
    if (definition.kind === Kind.OBJECT_TYPE_DEFINITION && definition.name.value === 'Subscription') {
      for (const directive of definition.directives ?? []) {
        const graph = directive.name.value === 'join__type' ? stringArgument(directive, 'graph') : undefined;
        if (graph !== undefined) subscriptionGraphs.add(graph);
      }
    }
  }
  return graphs.map(({ graph, name, url }) => ({ name, url, subscriptions: subscriptionGraphs.has(graph) }));
}
