import { describe, expect, it } from 'vitest';
import { graphql, GraphQLNonNull, GraphQLObjectType, GraphQLSchema, GraphQLString, GraphQLInputObjectType, GraphQLList } from 'graphql';
import { formatError } from './errors';
import { DateScalar, DateTimeScalar } from './scalars';

// A probe schema: an argument and an input object field of type Date, echoed back.
const TermInput = new GraphQLInputObjectType({ name: 'TermInput', fields: { startsOn: { type: DateScalar } } });
const schema = new GraphQLSchema({
  query: new GraphQLObjectType({
    name: 'Query',
    fields: {
      on: { type: GraphQLString, args: { date: { type: new GraphQLNonNull(DateScalar) } }, resolve: (_root, { date }) => date as string },
      terms: { type: GraphQLString, args: { input: { type: new GraphQLList(TermInput) } }, resolve: () => 'ok' },
      stored: { type: DateScalar, args: { value: { type: GraphQLString } }, resolve: (_root, { value }) => value as string },
      at: { type: GraphQLString, args: { instant: { type: DateTimeScalar } }, resolve: (_root, { instant }) => (instant as Date).toISOString() },
    },
  }),
});

async function run(source: string, variableValues?: Record<string, unknown>) {
  const result = await graphql({ schema, source, variableValues });
  return { data: result.data, errors: result.errors?.map((error) => formatError(error.toJSON(), error, () => undefined)) };
}

describe('Date scalar', () => {
  it.each(['2000-01-01', '2026-06-15', '2100-12-31'])('accepts %s as input', async (date) => {
    expect(await run('query ($d: Date!) { on(date: $d) }', { d: date })).toEqual({ data: { on: date }, errors: undefined });
  });

  it.each(['1999-12-31', '2101-01-01', '9999-06-15', '2026-02-30', '+010000-06'])('refuses %s in a variable as BAD_USER_INPUT naming it', async (date) => {
    const { errors } = await run('query ($closedAt: Date!) { on(date: $closedAt) }', { closedAt: date });
    expect(errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'closedAt' });
  });

  it('names the field inside an input object, as the services name it', async () => {
    const { errors } = await run('query ($input: [TermInput]) { terms(input: $input) }', { input: [{ startsOn: '2026-01-01' }, { startsOn: '9999-06-15' }] });
    expect(errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: '[1].startsOn' });
    expect(errors?.[0]?.message).toMatch(/years 2000 to 2100/);
  });

  it('refuses an out-of-range literal as BAD_USER_INPUT', async () => {
    const { errors } = await run('{ on(date: "9999-06-15") }');
    expect(errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
    expect(errors?.[0]?.message).toMatch(/years 2000 to 2100/);
  });

  it('prints a derived date past 2100, and reports an unprintable stored date as internal, not as bad input', async () => {
    expect((await run('{ stored(value: "2104-06-15") }')).data).toEqual({ stored: '2104-06-15' });
    const { errors } = await run('{ stored(value: "+010000-06") }');
    expect(errors?.[0]?.extensions).toEqual({ code: 'INTERNAL_SERVER_ERROR' });
  });
});

describe('DateTime scalar', () => {
  it('accepts an instant in 2000 to 2100 and refuses one outside as BAD_USER_INPUT naming it', async () => {
    expect((await run('query ($at: DateTime) { at(instant: $at) }', { at: '2026-06-15T10:00:00Z' })).data).toEqual({ at: '2026-06-15T10:00:00.000Z' });
    for (const instant of ['1999-12-31T23:59:59Z', '2101-01-01T00:00:00Z']) {
      const { errors } = await run('query ($at: DateTime) { at(instant: $at) }', { at: instant });
      expect(errors?.[0]?.extensions).toEqual({ code: 'BAD_USER_INPUT', field: 'at' });
    }
    expect((await run('{ at(instant: "9999-01-01T00:00:00Z") }')).errors?.[0]?.extensions?.code).toBe('BAD_USER_INPUT');
  });
});
