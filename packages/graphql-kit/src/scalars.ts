import { GraphQLError, GraphQLScalarType, Kind } from 'graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { isIsoDate, MAX_YEAR, MIN_YEAR } from '@hub/domain';

function refuse(message: string): never {
  throw new GraphQLError(message, { extensions: { code: 'BAD_USER_INPUT' } });
}

/** An input date: a real calendar date in MIN_YEAR–MAX_YEAR, so every date derived from it stays storable. */
function parseDate(value: unknown): string {
  if (typeof value !== 'string' || !isIsoDate(value)) refuse(`Date must be a calendar date as YYYY-MM-DD, got ${JSON.stringify(value)?.slice(0, 40)}`);
  const year = Number(value.slice(0, 4));
  if (year < MIN_YEAR || year > MAX_YEAR) refuse(`Date must be in the years ${MIN_YEAR} to ${MAX_YEAR}, got ${value}`);
  return value;
}

/**
 * An output date. A stored date the scalar cannot print is a server fault, not the caller's:
 * it is reported as internal (and logged), never as BAD_USER_INPUT. Derived dates (a term's
 * end) may pass MAX_YEAR, so only the form is checked here.
 */
function serializeDate(value: unknown): string {
  if (typeof value === 'string' && isIsoDate(value)) return value;
  throw new TypeError(`cannot serialise ${JSON.stringify(value)} as a Date`);
}

/** A calendar date, `2026-09-30`; carried as the same string everywhere, never as an instant. */
export const DateScalar = new GraphQLScalarType<string, string>({
  name: 'Date',
  // The bounds are in api.md; the description stays as composed so the supergraph does not drift.
  description: 'A calendar date in ISO 8601 form, YYYY-MM-DD.',
  serialize: serializeDate,
  parseValue: parseDate,
  parseLiteral: (ast) => {
    if (ast.kind !== Kind.STRING) refuse('Date must be a string YYYY-MM-DD');
    return parseDate(ast.value);
  },
});

const dateTime = DateTimeResolver.toConfig();

/** An input instant must fall in the same years as an input date. */
function boundedInstant(value: Date): Date {
  const year = value.getUTCFullYear();
  if (year < MIN_YEAR || year > MAX_YEAR) refuse(`DateTime must be in the years ${MIN_YEAR} to ${MAX_YEAR}, got ${value.toISOString()}`);
  return value;
}

/** An instant, serialised as an ISO 8601 string with a time zone. */
export const DateTimeScalar = new GraphQLScalarType({
  ...dateTime,
  name: 'DateTime',
  parseValue: (value) => boundedInstant(dateTime.parseValue!(value) as Date),
  parseLiteral: (ast, variables) => boundedInstant(dateTime.parseLiteral!(ast, variables) as Date),
});
