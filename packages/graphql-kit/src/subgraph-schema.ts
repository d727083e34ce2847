import 'reflect-metadata';
import { buildSubgraphSchema } from '@apollo/subgraph';
import { printSchemaWithDirectives } from '@graphql-tools/utils';
import { parse, type GraphQLSchema } from 'graphql';
import { buildSchema, createResolversMap, type BuildSchemaOptions } from 'type-graphql';
import { DateScalar, DateTimeScalar } from './scalars';

const FEDERATION_LINK = `
  extend schema
    @link(
      url: "https://specs.apollo.dev/federation/v2.6"
      import: ["@key", "@shareable", "@external", "@requires", "@provides", "@inaccessible", "@tag", "@interfaceObject"]
    )
`;

type ReferenceResolvers = Record<string, { __resolveReference: (reference: never, context: never) => unknown }>;

export interface SubgraphSchemaOptions {
  resolvers: BuildSchemaOptions['resolvers'];
  orphanedTypes?: BuildSchemaOptions['orphanedTypes'];
  /** `__resolveReference` per entity; must go into the same buildSubgraphSchema call to be used. */
  referenceResolvers?: ReferenceResolvers;
  /** Required by type-graphql when the schema has subscriptions, even if each brings its own `subscribe`. */
  pubSub?: BuildSchemaOptions['pubSub'];
}

/**
 * Builds a federation subgraph schema from type-graphql classes: type-graphql produces the
 * types and resolvers, @apollo/subgraph adds `_entities`/`_service` and the link to the
 * federation spec. `buildSubgraphSchema` takes an array of modules since @apollo/subgraph 2.15.
 */
export async function buildSubgraph(options: SubgraphSchemaOptions): Promise<GraphQLSchema> {
  const schema = await buildSchema({
    resolvers: options.resolvers,
    orphanedTypes: options.orphanedTypes ?? [],
    validate: false,
    skipCheck: true,
    ...(options.pubSub ? { pubSub: options.pubSub } : {}),
  });
  const resolvers = createResolversMap(schema) as Record<string, Record<string, unknown>>;
  for (const [typeName, reference] of Object.entries(options.referenceResolvers ?? {})) {
    resolvers[typeName] = { ...resolvers[typeName], ...reference };
  }
  resolvers.Date = DateScalar as unknown as Record<string, unknown>;
  resolvers.DateTime = DateTimeScalar as unknown as Record<string, unknown>;
  const typeDefs = parse(`${FEDERATION_LINK}\n${printSchemaWithDirectives(schema)}`);
  return buildSubgraphSchema([{ typeDefs, resolvers: resolvers as never }]);
}
