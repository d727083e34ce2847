import { describe, expect, it } from 'vitest';
import { requestAuditScope, requestIdOf } from './audit-plugin';

describe('the request id of an audited request', () => {
  it('keeps a sane x-request-id the caller sent', () => {
    expect(requestIdOf({ 'x-request-id': 'portal-7f3a.42:1' })).toBe('portal-7f3a.42:1');
  });

  it('replaces one that could forge a log line, is too long or is repeated, with a new UUID', () => {
    for (const sent of ['abc\nFAKE entry', 'x'.repeat(101), '', ['a', 'b'], undefined]) {
      expect(requestIdOf({ 'x-request-id': sent })).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    }
  });

  it('starts as a query by the token subject, completed once the operation is known', () => {
    expect(requestAuditScope('deals', { sub: 'cm@vendor', role: 'channel_manager' }, { 'x-request-id': 'r1' })).toEqual({
      subgraph: 'deals', actor: 'cm@vendor', role: 'channel_manager', requestId: 'r1', operation: null, rootField: null, mutation: false,
    });
    expect(requestAuditScope('deals', null, {})).toMatchObject({ actor: 'anonymous', role: 'anonymous' });
  });
});
