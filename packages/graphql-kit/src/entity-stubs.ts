import { Directive, Field, ID, ObjectType } from 'type-graphql';

/** The entities subgraphs refer to by `id` while another subgraph owns them. */
export type StubbedEntity = 'Partner' | 'Distributor' | 'Deal' | 'Tier';

/**
 * A `@key(fields: "id")` stub of an entity another subgraph owns: its name and key, which is all
 * a subgraph that points at the entity or adds fields to it declares (resolvers return
 * `{ id }`). `external` names String fields the owner resolves that this subgraph may provide
 * (`@provides`), declared `@external`.
 *
 * Each call declares a new class, and each subgraph calls it once for its schema. One class
 * cannot serve several subgraphs: type-graphql keeps its metadata in one global store and, when a
 * schema is built, adds each field resolver's field to its type's class for good, so in a process
 * building more than one subgraph's schema (compose, the end-to-end hubs) a shared Partner stub
 * would carry deals' `Partner.deals` into licences' SDL.
 */
export function entityStub<E extends string = never>(typeName: StubbedEntity, options: { external?: readonly E[] } = {}) {
  @Directive('@key(fields: "id")')
  @ObjectType(typeName)
  class EntityStub {
    @Field(() => ID)
    id: string;
  }
  for (const field of options.external ?? []) {
    Field(() => String)(EntityStub.prototype, field);
    Directive('@external')(EntityStub.prototype, field);
  }
  return EntityStub as new () => EntityStub & { [K in E]?: string };
}
