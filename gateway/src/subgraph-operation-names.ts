import type { GatewayPlugin } from '@graphql-hive/gateway-runtime';
import { getOperationAST, Kind, type DocumentNode } from 'graphql';

/** A subgraph document with its operation renamed, built once per document and name. */
function renamedOperation(cache: WeakMap<DocumentNode, Map<string, DocumentNode>>, document: DocumentNode, name: string): DocumentNode {
  let byName = cache.get(document);
  if (!byName) cache.set(document, (byName = new Map()));
  let renamed = byName.get(name);
  if (!renamed) {
    renamed = {
      ...document,
      definitions: document.definitions.map((definition) =>
        definition.kind === Kind.OPERATION_DEFINITION ? { ...definition, name: { kind: Kind.NAME, value: name } } : definition,
      ),
    };
    byName.set(name, renamed);
  }
  return renamed;
}

/**
 * Subgraphs write the caller's operation name into the audit trail (and their logs). The
 * JavaScript planner forwards it with every subgraph request; the Rust planner names the
 * operations it plans itself. This names every subgraph operation after the caller's again.
 */
export function useCallerOperationNames(): GatewayPlugin {
  const callerOperation = new WeakMap<object, string>();
  const renamed = new WeakMap<DocumentNode, Map<string, DocumentNode>>();
  const remember = ({ args }: { args: { document: DocumentNode; operationName?: string | null; contextValue: unknown } }) => {
    const name = getOperationAST(args.document, args.operationName)?.name?.value;
    if (name !== undefined && typeof args.contextValue === 'object' && args.contextValue !== null) callerOperation.set(args.contextValue, name);
  };
  return {
    onExecute: remember,
    onSubscribe: remember,
    onSubgraphExecute({ executionRequest, setExecutionRequest }) {
      const context = executionRequest.context as object | undefined;
      const name = context && callerOperation.get(context);
      if (name === undefined || executionRequest.operationName === name) return;
      setExecutionRequest({ ...executionRequest, document: renamedOperation(renamed, executionRequest.document, name), operationName: name });
    },
  };
}
