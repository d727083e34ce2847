import type { LicensesContext } from './context';

export const licensesReferenceResolvers = {
  License: {
    __resolveReference: (reference: { id: string }, ctx: LicensesContext) => ctx.licenses.get(ctx.claims, reference.id, (id) => ctx.loaders.license.load(id)),
  },
  Sku: {
    __resolveReference: (reference: { code: string }, ctx: LicensesContext) => ctx.catalog.get(ctx.claims, reference.code, (code) => ctx.loaders.sku.load(code)),
  },
  MasterLicense: {
    __resolveReference: async (reference: { id: string }, ctx: LicensesContext) => {
      const master = await ctx.loaders.masterLicense.load(reference.id);
      return master && ctx.usage.masterLicenseOf(ctx.claims, master.partnerId, async () => master);
    },
  },
  UsageStatement: {
    __resolveReference: async (reference: { id: string }, ctx: LicensesContext) => {
      const statement = await ctx.loaders.statement.load(reference.id);
      return statement && ctx.usage.statement(ctx.claims, statement.partnerId, statement.month);
    },
  },
  Partner: { __resolveReference: (reference: { id: string }) => ({ id: reference.id }) },
  Distributor: { __resolveReference: (reference: { id: string }) => ({ id: reference.id }) },
  Deal: { __resolveReference: (reference: { id: string }) => ({ id: reference.id }) },
};
