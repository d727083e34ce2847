import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { isIsoDate } from '@hub/domain';

function parseDate(value: unknown): string {
  if (typeof value === 'string' && isIsoDate(value)) return value;
  throw new GraphQLError(`Date must be a calendar date as YYYY-MM-DD, got ${JSON.stringify(value)}`, {
    extensions: { code: 'BAD_USER_INPUT' },
  });
}

/** A calendar date, `2026-09-30`; carried as the same string everywhere, never as an instant. */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  description: 'A calendar date in ISO 8601 form, YYYY-MM-DD.',
  serialize: (value) => parseDate(value),
  parseValue: (value) => parseDate(value),
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) throw new GraphQLError('Date must be a string YYYY-MM-DD', { extensions: { code: 'BAD_USER_INPUT' } });
    return parseDate(ast.value);
  },
});

/** An instant, serialised as an ISO 8601 string with a time zone. */
export const DateTimeScalar = new GraphQLScalarType({ ...DateTimeResolver.toConfig(), name: 'DateTime' });
