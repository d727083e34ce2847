import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { buildSchema, GraphQLError, parse } from 'graphql';
import { DEFAULT_SUPERGRAPH_PATH } from './config';
import { dropStaleStreamData, fieldOwners, placeUnavailableErrors } from './unavailable-paths';

const owners = fieldOwners(readFileSync(DEFAULT_SUPERGRAPH_PATH, 'utf8'));

// The client-facing shape of the few types the cases touch.
const schema = buildSchema(`
  type Query { partner(id: ID!): Partner, licenses: LicenseConnection }
  type Partner { id: ID! name: String! channelManager: String licenses: LicenseConnection usageStatements: UsageStatementConnection standing: TierStanding }
  type LicenseConnection { totalCount: Int! }
  type UsageStatementConnection { totalCount: Int! }
  type TierStanding { asOf: String! }
`);

const unavailable = (path: (string | number)[]) =>
  new GraphQLError('The licenses service is unavailable; retry shortly.', { path, extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'licenses', retryable: true, reason: 'UNREACHABLE' } });

describe('fieldOwners', () => {
  it('reads who resolves a field from the supergraph', () => {
    expect([...(owners.get('Partner.licenses') ?? [])]).toEqual(['licenses']);
    expect([...(owners.get('Partner.standing') ?? [])]).toEqual(['incentives']);
    // deals only references the name (external): partners resolves it.
    expect([...(owners.get('Partner.name') ?? [])]).toEqual(['partners']);
  });
});

describe('placeUnavailableErrors', () => {
  it('moves an entity fetch’s error from the surviving entity to the null fields that subgraph serves, aliases included', () => {
    const document = parse('query Page { partner(id: "p") { id name channelManager lic: licenses { totalCount } ... on Partner { usageStatements { totalCount } } standing { asOf } } }');
    const result = placeUnavailableErrors(
      { data: { partner: { id: 'p', name: 'Alpennetz', channelManager: null, lic: null, usageStatements: null, standing: { asOf: '2026-12-01' } } }, errors: [unavailable(['partner'])] },
      { schema, document, operationName: 'Page' },
      owners,
    );
    expect(result.errors?.map((error) => error.path)).toEqual([
      ['partner', 'lic'],
      ['partner', 'usageStatements'],
    ]);
    expect(result.errors?.[0]?.extensions).toMatchObject({ code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'licenses' });
  });

  it('leaves an error it cannot place where it was', () => {
    const document = parse('{ licenses { totalCount } }');
    const rootError = unavailable(['licenses']);
    expect(placeUnavailableErrors({ data: { licenses: null }, errors: [rootError] }, { schema, document }, owners).errors).toEqual([rootError]);
    const forbidden = new GraphQLError('no', { path: ['partner'], extensions: { code: 'FORBIDDEN' } });
    const page = parse('{ partner(id: "p") { id } }');
    expect(placeUnavailableErrors({ data: { partner: null }, errors: [forbidden] }, { schema, document: page }, owners).errors).toEqual([forbidden]);
  });
});

describe('dropStaleStreamData', () => {
  const streams = buildSchema(`
    type Query { ok: Boolean }
    type Subscription { dealUpdated(after: ID): DealEvent! }
    type DealEvent { id: ID! deal: Deal! }
    type Deal { id: ID! partner: Partner! }
    type Partner { id: ID! name: String! }
  `);
  const dealsGone = new GraphQLError('The deals service is unavailable; retry shortly.', {
    path: ['updates'],
    extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'deals', retryable: true, reason: 'UNREACHABLE' },
  });
  const args = { schema: streams, document: parse('subscription Feed { updates: dealUpdated { id deal { id partner { name } } } }'), operationName: 'Feed' };
  const previous = { updates: { id: 'e1', deal: { id: 'd1', partner: { name: 'Alpennetz' } } } };

  it('keeps only the errors of the last result when the subgraph serving the subscription is gone', () => {
    expect(dropStaleStreamData({ data: previous, errors: [dealsGone] }, args, owners)).toEqual({ errors: [dealsGone] });
  });

  it('leaves an event whose nested field another subgraph could not serve, and an event without errors', () => {
    const partnersGone = new GraphQLError('The partners service is unavailable; retry shortly.', {
      path: ['updates'],
      extensions: { code: 'SUBGRAPH_UNAVAILABLE', subgraph: 'partners', retryable: true, reason: 'UNREACHABLE' },
    });
    const partial = { data: previous, errors: [partnersGone] };
    expect(dropStaleStreamData(partial, args, owners)).toBe(partial);
    const event = { data: previous };
    expect(dropStaleStreamData(event, args, owners)).toBe(event);
  });
});
