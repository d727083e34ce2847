import { describe, expect, it } from 'vitest';
import { parseTokenArgs, UsageError } from './token-args';

const P1 = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4a01';
const D9 = '0190a1b2-c3d4-7e5f-8a9b-0c1d2e3f4ad9';

describe('parseTokenArgs', () => {
  it('makes a vendor_admin token for 12 hours by default', () => {
    expect(parseTokenArgs(['--role', 'vendor_admin'])).toEqual({ claims: { sub: 'dev-vendor_admin', role: 'vendor_admin' }, expiresIn: '12h' });
  });

  it('puts the partner and distributor ids into the claims of those roles', () => {
    expect(parseTokenArgs(['--role', 'partner', '--partner', P1, '--expires', '30m']).claims).toEqual({ sub: `dev-${P1}`, role: 'partner', partnerId: P1 });
    expect(parseTokenArgs(['--role=distributor', `--distributor=${D9}`, '--sub', 'alice']).claims).toEqual({
      sub: 'alice',
      role: 'distributor',
      distributorId: D9,
    });
  });

  it('prints no token the gateway would refuse: a malformed id or a lifetime over the maximum', () => {
    expect(() => parseTokenArgs(['--role', 'partner', '--partner', 'p-1'])).toThrow(/partnerId must be a partner or distributor id/);
    expect(() => parseTokenArgs(['--role', 'bi', '--expires', '2d'])).toThrow(/--expires 2d is longer than tokens may live \(86400 s/);
    expect(parseTokenArgs(['--role', 'bi', '--expires', '2d'], 7 * 86_400).expiresIn).toBe('2d');
    expect(() => parseTokenArgs(['--role', 'bi', '--expires', '2h'], 3600)).toThrow(UsageError);
  });

  it.each([
    [[], /--role is required/],
    [['--role', 'admin'], /unknown role "admin"/],
    [['--role', 'partner'], /needs --partner/],
    [['--role', 'distributor'], /needs --distributor/],
    [['--role', 'bi', '--partner', P1], /--partner only applies/],
    [['--role', 'bi', '--expires', 'soon'], /--expires "soon"/],
    [['--role', 'bi', '--colour', 'red'], /Unknown option '--colour'/],
  ])('explains %j with the usage', (args, problem) => {
    expect(() => parseTokenArgs(args)).toThrow(UsageError);
    expect(() => parseTokenArgs(args)).toThrow(problem);
    expect(() => parseTokenArgs(args)).toThrow(/usage: pnpm -s token --role <role>/);
  });
});
