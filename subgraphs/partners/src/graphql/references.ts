import type { PartnersContext } from './context';

/** Entity resolution for the gateway; uses the same loaders and access rules as the fields. */
export const partnersReferenceResolvers = {
  Partner: {
    __resolveReference: (reference: { id: string }, ctx: PartnersContext) => ctx.services.partners.get(ctx.claims, reference.id, ctx.loaders),
  },
  Program: {
    __resolveReference: (reference: { code: string }, ctx: PartnersContext) => ctx.loaders.program.load(reference.code),
  },
  Tier: {
    __resolveReference: (reference: { id: string }, ctx: PartnersContext) => ctx.loaders.tier.load(reference.id),
  },
  Distributor: {
    __resolveReference: (reference: { id: string }, ctx: PartnersContext) => ctx.loaders.distributor.load(reference.id),
  },
};
