import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import {
  GraphQLError,
  Kind,
  getNamedType,
  getOperationAST,
  isObjectType,
  parse,
  type DocumentNode,
  type ExecutionResult,
  type FieldNode,
  type GraphQLSchema,
  type SelectionSetNode,
} from 'graphql';
import { SUBGRAPH_UNAVAILABLE } from './upstream-resilience';

/** `Type.field` → the subgraphs that resolve it, read from the supergraph's join directives. */
export type FieldOwners = ReadonlyMap<string, ReadonlySet<string>>;

const stringArg = (node: { arguments?: readonly { name: { value: string }; value: { kind: string; value?: unknown } }[] }, name: string) => {
  const value = node.arguments?.find((arg) => arg.name.value === name)?.value;
  return value && (value.kind === Kind.STRING || value.kind === Kind.ENUM) ? String(value.value) : undefined;
};

/** Who resolves each field: its `@join__field(graph:)` (not external), else every graph of its type's `@join__type`. */
export function fieldOwners(supergraphSdl: string): FieldOwners {
  const document = parse(supergraphSdl, { noLocation: true });
  const graphNames = new Map<string, string>();
  const owners = new Map<string, Set<string>>();
  for (const definition of document.definitions) {
    if (definition.kind === Kind.ENUM_TYPE_DEFINITION && definition.name.value === 'join__Graph') {
      for (const value of definition.values ?? []) {
        const name = value.directives?.find((d) => d.name.value === 'join__graph');
        graphNames.set(value.name.value, (name && stringArg(name, 'name')) ?? value.name.value.toLowerCase());
      }
    }
  }
  for (const definition of document.definitions) {
    if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
    const typeGraphs = (definition.directives ?? []).filter((d) => d.name.value === 'join__type').map((d) => stringArg(d, 'graph'));
    for (const field of definition.fields ?? []) {
      const joins = (field.directives ?? []).filter((d) => d.name.value === 'join__field');
      const external = (d: (typeof joins)[number]) => d.arguments?.some((a) => a.name.value === 'external' && a.value.kind === Kind.BOOLEAN && a.value.value) ?? false;
      const graphs = joins.length > 0 ? joins.filter((d) => !external(d)).map((d) => stringArg(d, 'graph')) : typeGraphs;
      owners.set(`${definition.name.value}.${field.name.value}`, new Set(graphs.flatMap((graph) => (graph ? [graphNames.get(graph) ?? graph.toLowerCase()] : []))));
    }
  }
  return owners;
}

/** The fields selected in a selection set by response key, through inline fragments and spreads. */
function collectFields(selectionSet: SelectionSetNode, document: DocumentNode, into = new Map<string, FieldNode>()): Map<string, FieldNode> {
  for (const selection of selectionSet.selections) {
    if (selection.kind === Kind.FIELD) {
      const key = selection.alias?.value ?? selection.name.value;
      if (!into.has(key)) into.set(key, selection);
    } else if (selection.kind === Kind.INLINE_FRAGMENT) {
      collectFields(selection.selectionSet, document, into);
    } else {
      const fragment = document.definitions.find((d) => d.kind === Kind.FRAGMENT_DEFINITION && d.name.value === selection.name.value);
      if (fragment?.kind === Kind.FRAGMENT_DEFINITION) collectFields(fragment.selectionSet, document, into);
    }
  }
  return into;
}

interface Located {
  typeName: string;
  fields: Map<string, FieldNode>;
  value: Record<string, unknown>;
}

/** The object at `path` in the answer, with its type and the fields the operation selected on it. */
function locate(schema: GraphQLSchema, document: DocumentNode, operationName: string | null | undefined, data: unknown, path: readonly (string | number)[]): Located | undefined {
  const operation = getOperationAST(document, operationName);
  let type = operation && schema.getRootType(operation.operation);
  let selectionSet = operation?.selectionSet;
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== 'object') return undefined;
    value = (value as Record<string | number, unknown>)[segment];
    if (typeof segment === 'number') continue;
    const field = selectionSet && collectFields(selectionSet, document).get(segment);
    if (!field || !type || !isObjectType(type)) return undefined;
    const definition = type.getFields()[field.name.value];
    const named = definition && getNamedType(definition.type);
    type = named && isObjectType(named) ? named : undefined;
    selectionSet = field.selectionSet;
  }
  if (!type || !selectionSet || value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  return { typeName: type.name, fields: collectFields(selectionSet, document), value: value as Record<string, unknown> };
}

interface PathArgs {
  schema: GraphQLSchema;
  document: DocumentNode;
  operationName?: string | null;
}

/**
 * The Rust planner places the error of an entity fetch that failed on the entity (`["partner"]`)
 * although the entity survived and only the fields that subgraph serves are null. An error is
 * more use to a client on the field it cost: each SUBGRAPH_UNAVAILABLE error on a surviving
 * object becomes one error per null field of it that subgraph resolves (`["partner",
 * "licenses"]`). Anything it cannot place stays as it was.
 */
export function placeUnavailableErrors(result: ExecutionResult, args: PathArgs, owners: FieldOwners): ExecutionResult {
  if (!result.errors?.some((error) => error.extensions?.code === SUBGRAPH_UNAVAILABLE)) return result;
  const errors = result.errors.flatMap((error) => {
    const subgraph = error.extensions?.subgraph;
    if (error.extensions?.code !== SUBGRAPH_UNAVAILABLE || typeof subgraph !== 'string' || !error.path) return [error];
    const located = locate(args.schema, args.document, args.operationName, result.data, error.path);
    if (!located) return [error];
    const keys = [...located.fields].filter(([key, field]) => located.value[key] === null && owners.get(`${located.typeName}.${field.name.value}`)?.has(subgraph)).map(([key]) => key);
    if (keys.length === 0) return [error];
    return keys.map((key) => new GraphQLError(error.message, { path: [...error.path!, key], extensions: error.extensions }));
  });
  return { ...result, errors };
}

/**
 * A subscription's stream is gone when the subgraph that serves its root field is unavailable
 * (its socket closed: killed, crashed, restarting); that result is the stream's last. The
 * runtime hands it over with the previous event's data still in place, which a client would
 * take for that event again: the result keeps only its errors. A SUBGRAPH_UNAVAILABLE from a
 * subgraph that serves only a nested field is an ordinary partial event and stays as it is.
 */
export function dropStaleStreamData(result: ExecutionResult, args: PathArgs, owners: FieldOwners): ExecutionResult {
  if (result.data == null || !result.errors?.length) return result;
  const operation = getOperationAST(args.document, args.operationName);
  const rootType = operation && args.schema.getRootType(operation.operation);
  if (!operation || !rootType) return result;
  const rootFields = collectFields(operation.selectionSet, args.document);
  const streamLost = result.errors.some((error) => {
    const subgraph = error.extensions?.subgraph;
    const field = error.path?.length === 1 ? rootFields.get(String(error.path[0])) : undefined;
    return error.extensions?.code === SUBGRAPH_UNAVAILABLE && typeof subgraph === 'string' && field !== undefined && (owners.get(`${rootType.name}.${field.name.value}`)?.has(subgraph) ?? false);
  });
  return streamLost ? { errors: result.errors } : result;
}

export function usePlacedUnavailableErrors(supergraphSdl: string): GatewayPlugin {
  const owners = fieldOwners(supergraphSdl);
  return {
    onExecute({ args }) {
      return {
        onExecuteDone({ result, setResult }) {
          if (Symbol.asyncIterator in (result as object)) return;
          setResult(placeUnavailableErrors(result as ExecutionResult, args as PathArgs, owners));
        },
      };
    },
    onSubscribe({ args }) {
      return {
        onSubscribeResult() {
          return { onNext: ({ result, setResult }) => setResult(dropStaleStreamData(result as ExecutionResult, args as PathArgs, owners)) };
        },
      };
    },
  };
}
