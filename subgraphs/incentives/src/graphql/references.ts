import type { IncentivesContext } from './context';

export const incentivesReferenceResolvers = {
  Statement: {
    __resolveReference: (reference: { id: string }, ctx: IncentivesContext) => ctx.statements.byId(ctx.claims, reference.id, (id) => ctx.loaders.statement.load(id)),
  },
  Partner: { __resolveReference: (reference: { id: string }) => ({ id: reference.id }) },
  Distributor: { __resolveReference: (reference: { id: string }) => ({ id: reference.id }) },
  Deal: { __resolveReference: (reference: { id: string }) => ({ id: reference.id }) },
  Tier: { __resolveReference: (reference: { id: string }) => ({ id: reference.id }) },
};
