import type { DealsContext } from './context';

export const dealsReferenceResolvers = {
  Deal: {
    __resolveReference: (reference: { id: string }, ctx: DealsContext) => ctx.deals.get(ctx.claims, reference.id, (id) => ctx.loaders.deal.load(id)),
  },
  Partner: { __resolveReference: (reference: { id: string }) => ({ id: reference.id }) },
  Distributor: { __resolveReference: (reference: { id: string }) => ({ id: reference.id }) },
};
