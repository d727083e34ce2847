import { describe, expect, it } from 'vitest';
import { parseTokenArgs, UsageError } from './token-args';

describe('parseTokenArgs', () => {
  it('makes a vendor_admin token for 12 hours by default', () => {
    expect(parseTokenArgs(['--role', 'vendor_admin'])).toEqual({ claims: { sub: 'dev-vendor_admin', role: 'vendor_admin' }, expiresIn: '12h' });
  });

  it('puts the partner and distributor ids into the claims of those roles', () => {
    expect(parseTokenArgs(['--role', 'partner', '--partner', 'p-1', '--expires', '30m']).claims).toEqual({ sub: 'dev-p-1', role: 'partner', partnerId: 'p-1' });
    expect(parseTokenArgs(['--role=distributor', '--distributor=d-9', '--sub', 'alice']).claims).toEqual({
      sub: 'alice',
      role: 'distributor',
      distributorId: 'd-9',
    });
  });

  it.each([
    [[], /--role is required/],
    [['--role', 'admin'], /unknown role "admin"/],
    [['--role', 'partner'], /needs --partner/],
    [['--role', 'distributor'], /needs --distributor/],
    [['--role', 'bi', '--partner', 'p-1'], /--partner only applies/],
    [['--role', 'bi', '--expires', 'soon'], /--expires "soon"/],
    [['--role', 'bi', '--colour', 'red'], /Unknown option '--colour'/],
  ])('explains %j with the usage', (args, problem) => {
    expect(() => parseTokenArgs(args)).toThrow(UsageError);
    expect(() => parseTokenArgs(args)).toThrow(problem);
    expect(() => parseTokenArgs(args)).toThrow(/usage: pnpm -s token --role <role>/);
  });
});
