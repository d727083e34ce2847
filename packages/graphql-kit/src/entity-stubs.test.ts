import { printSubgraphSchema } from '@apollo/subgraph';
import { FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { describe, expect, it } from 'vitest';
import { entityStub } from './entity-stubs';
import { buildSubgraph } from './subgraph-schema';

/** The Partner type as a subgraph's SDL prints it, fields in order. */
function partnerType(sdl: string): string {
  const match = /type Partner\b[^{]*\{[^}]*\}/.exec(sdl);
  if (!match) throw new Error(`no Partner type in:\n${sdl}`);
  return match[0].replace(/\s+/g, ' ');
}

describe('entityStub', () => {
  it('gives each subgraph its own class, so two schemas built in one process keep their own fields', async () => {
    // Two subgraphs, as compose builds them: each stubs Partner and adds a field of its own.
    const DealsPartner = entityStub('Partner', { external: ['name'] });
    type DealsPartner = InstanceType<typeof DealsPartner>;
    const LicensesPartner = entityStub('Partner');
    type LicensesPartner = InstanceType<typeof LicensesPartner>;

    @Resolver(() => DealsPartner)
    class DealsPartnerResolver {
      @Query(() => DealsPartner)
      somePartner(): DealsPartner {
        return { id: 'p-1' };
      }

      @FieldResolver(() => String)
      deals(@Root() partner: DealsPartner): string {
        return partner.id;
      }
    }

    @Resolver(() => LicensesPartner)
    class LicensesPartnerResolver {
      @Query(() => LicensesPartner)
      anyPartner(): LicensesPartner {
        return { id: 'p-1' };
      }

      @FieldResolver(() => String)
      licenses(@Root() partner: LicensesPartner): string {
        return partner.id;
      }
    }

    const deals = printSubgraphSchema(await buildSubgraph({ resolvers: [DealsPartnerResolver] }));
    const licenses = printSubgraphSchema(await buildSubgraph({ resolvers: [LicensesPartnerResolver] }));
    expect(partnerType(deals)).toBe('type Partner @key(fields: "id") { id: ID! name: String! @external deals: String! }');
    expect(partnerType(licenses)).toBe('type Partner @key(fields: "id") { id: ID! licenses: String! }');
  });
});
