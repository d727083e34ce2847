import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { maxAliasesPlugin } from '@escape.tech/graphql-armor-max-aliases';
import { maxDepthPlugin } from '@escape.tech/graphql-armor-max-depth';
import { maxDirectivesPlugin } from '@escape.tech/graphql-armor-max-directives';
import { maxTokensPlugin } from '@escape.tech/graphql-armor-max-tokens';
import { characterLimitPlugin } from '@escape.tech/graphql-armor-character-limit';
import { blockFieldSuggestionsPlugin } from '@escape.tech/graphql-armor-block-field-suggestions';
import { getComplexity, type ComplexityEstimator } from 'graphql-query-complexity';
import { GraphQLError, Kind, getNamedType, isCompositeType, isListType, getNullableType, type DocumentNode, type GraphQLSchema } from 'graphql';

/**
 * What one operation may ask of the hub, checked at the gateway before anything executes (over
 * HTTP, SSE and graphql-ws alike: the checks are envelop plugins on the one pipeline all three
 * share). Every default lets through every query in the README, the API docs, the tests, the
 * demo and a realistic portal page (a test checks that), and refuses what only an attacker or a
 * runaway generator sends.
 */
export interface OperationLimits {
  /** Nesting of selection sets (introspection is exempt: GraphiQL's own query is deep). */
  maxDepth: number;
  maxAliases: number;
  /** Lexical tokens in the document; counted while parsing, so a huge document stops early. */
  maxTokens: number;
  maxDirectives: number;
  /** Characters of the query text. */
  maxDocumentLength: number;
  /** Estimated cost (see `estimateCost`). */
  maxCost: number;
  /** The page size assumed for a paged field (one that takes `first`/`last`) called without them. */
  defaultListSize: number;
  /** The size assumed for a list that is not paged (a partner's distributors, a deal's lines). */
  unpagedListSize: number;
  /** `first`/`last` above this count as this (subgraphs refuse them anyway). */
  maxListSize: number;
  /** Hide "Did you mean …?" hints, which reveal the schema where introspection is off. */
  blockFieldSuggestions: boolean;
}

export const DEFAULT_OPERATION_LIMITS: OperationLimits = {
  maxDepth: 12,
  maxAliases: 30,
  maxTokens: 3_000,
  maxDirectives: 30,
  maxDocumentLength: 20_000,
  maxCost: 20_000,
  defaultListSize: 50,
  unpagedListSize: 10,
  maxListSize: 500,
  blockFieldSuggestions: false,
};

export const QUERY_TOO_COMPLEX = 'QUERY_TOO_COMPLEX';

export type LimitName = 'depth' | 'aliases' | 'tokens' | 'directives' | 'documentLength' | 'cost';

export function limitExceeded(limit: LimitName, max: number, value: number | undefined): GraphQLError {
  const found = value === undefined ? '' : ` (found ${value})`;
  return new GraphQLError(`The operation exceeds the ${limit} limit of ${max}${found}`, {
    extensions: { code: QUERY_TOO_COMPLEX, limit, max, ...(value === undefined ? {} : { value }) },
  });
}

// GraphQL Armor reports the measured value only inside its message ("…, found 13."); we keep its
// walkers and lift the figure out of the message, so the error can carry it as a field.
const measuredValue = (error: GraphQLError): number | undefined => {
  const match = /found (\d+)/.exec(error.message);
  return match ? Number(match[1]) : undefined;
};

/**
 * Armor's plugins normally throw their own uncoded "Syntax Error: …"; `propagateOnRejection: false`
 * plus a rejection handler that throws ours gives clients one code for every limit.
 */
function rejectWith(limit: LimitName, max: number) {
  return {
    n: max,
    exposeLimits: true,
    propagateOnRejection: false,
    onAccept: [],
    onReject: [
      (_context: unknown, error: GraphQLError) => {
        throw limitExceeded(limit, max, measuredValue(error));
      },
    ],
  };
}

const SLICING_ARGUMENTS = ['first', 'last'] as const;

type ListSizes = Pick<OperationLimits, 'defaultListSize' | 'unpagedListSize' | 'maxListSize'>;

/**
 * Each object costs 1, scalars 0; a paged field multiplies what it selects by the page it asks
 * for (`first`/`last`, else `defaultListSize`, at most `maxListSize`), an unpaged list by
 * `unpagedListSize`. The lists inside a connection (`edges`) are the page the connection field
 * already counted. Introspection costs nothing here: its size is bounded by the schema, and the
 * token limit bounds the document.
 */
export function listSizeEstimator(limits: ListSizes): ComplexityEstimator {
  return ({ type, field, args, childComplexity }) => {
    const namedType = getNamedType(field.type);
    if (namedType.name.startsWith('__') || type.name.startsWith('__')) return 0;
    const ownCost = isCompositeType(namedType) ? 1 : 0;
    if (type.name.endsWith('Connection')) return ownCost + childComplexity;
    const paged = field.args.some((arg) => (SLICING_ARGUMENTS as readonly string[]).includes(arg.name));
    if (paged) {
      const requested = SLICING_ARGUMENTS.map((name) => args[name]).find((value): value is number => typeof value === 'number');
      const size = Math.min(Math.max(requested ?? limits.defaultListSize, 1), limits.maxListSize);
      return size * (ownCost + childComplexity);
    }
    return isListType(getNullableType(field.type)) ? limits.unpagedListSize * (ownCost + childComplexity) : ownCost + childComplexity;
  };
}

export function estimateCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  variables: Record<string, unknown> | undefined,
  operationName: string | undefined,
  limits: ListSizes,
): number {
  return getComplexity({
    schema,
    query: document,
    variables: variables ?? {},
    operationName,
    estimators: [listSizeEstimator(limits)],
  });
}

interface CostArgs {
  schema: GraphQLSchema;
  document: DocumentNode;
  variableValues?: Record<string, unknown> | null;
  operationName?: string | null;
}

/** Costs remembered per document; a document sent with ever new variables starts over past this. */
const MAX_COSTS_PER_DOCUMENT = 64;

/**
 * Estimating walks the whole document against the schema; clients send the same documents over
 * and over (Yoga hands back the same parsed document for the same text), so each cost is kept
 * per schema and document, and per variables only where the document declares any.
 */
function memoizedCost(limits: ListSizes): (args: CostArgs) => number {
  const bySchema = new WeakMap<GraphQLSchema, WeakMap<DocumentNode, Map<string, number>>>();
  return ({ schema, document, variableValues, operationName }) => {
    let byDocument = bySchema.get(schema);
    if (!byDocument) bySchema.set(schema, (byDocument = new WeakMap()));
    let costs = byDocument.get(document);
    if (!costs) byDocument.set(document, (costs = new Map()));
    const declaresVariables = document.definitions.some((d) => d.kind === Kind.OPERATION_DEFINITION && (d.variableDefinitions?.length ?? 0) > 0);
    const key = `${operationName ?? ''}\n${declaresVariables ? JSON.stringify(variableValues ?? {}) : ''}`;
    let cost = costs.get(key);
    if (cost === undefined) {
      cost = estimateCost(schema, document, variableValues ?? undefined, operationName ?? undefined, limits);
      if (costs.size >= MAX_COSTS_PER_DOCUMENT) costs.clear();
      costs.set(key, cost);
    }
    return cost;
  };
}

/** The cost limit, checked once the variables are known and before any subgraph is called. */
function useCostLimit(limits: OperationLimits): GatewayPlugin {
  const costOf = memoizedCost(limits);
  const check = (args: CostArgs) => {
    const cost = costOf(args);
    return cost > limits.maxCost ? limitExceeded('cost', limits.maxCost, cost) : undefined;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args as CostArgs);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args as CostArgs);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}

export function useOperationLimits(limits: OperationLimits): GatewayPlugin[] {
  return [
    // Order matters: the token limit replaces the parse function, the length check wraps
    // whatever parse function it finds, so it must come second to keep both.
    // (Its plugin type comes from @envelop/types rather than @envelop/core; the shape is the same.)
    maxTokensPlugin(rejectWith('tokens', limits.maxTokens)) as GatewayPlugin,
    characterLimitPlugin({ ...rejectWith('documentLength', limits.maxDocumentLength), maxLength: limits.maxDocumentLength }),
    maxDepthPlugin({ ...rejectWith('depth', limits.maxDepth), ignoreIntrospection: true, flattenFragments: true }),
    maxAliasesPlugin(rejectWith('aliases', limits.maxAliases)),
    maxDirectivesPlugin(rejectWith('directives', limits.maxDirectives)),
    useCostLimit(limits),
    ...(limits.blockFieldSuggestions ? [blockFieldSuggestionsPlugin() as GatewayPlugin] : []),
  ];
}
