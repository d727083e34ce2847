import { randomUUID } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';
import type { ApolloServerPlugin, BaseContext } from '@apollo/server';
import type { Claims } from '@hub/auth';
import { currentAuditScope, type AuditScope } from '@hub/contracts';

/** What a caller may send as `x-request-id`: printable, short, and nothing that could forge a log line. */
const REQUEST_ID = /^[A-Za-z0-9._:-]{1,100}$/;

/**
 * Where a subscription's request id travels to a subgraph over graphql-ws, which has no
 * per-operation headers: the subscribe message's extensions, beside the signed claims.
 */
export const REQUEST_ID_EXTENSION = 'requestId';

/** The request's id: the caller's `x-request-id` when it is a sane one, otherwise a new one. */
export function requestIdOf(headers: IncomingHttpHeaders): string {
  const sent = headers['x-request-id'];
  return typeof sent === 'string' && REQUEST_ID.test(sent) ? sent : randomUUID();
}

/** The audit scope of one request before its document is parsed: who is asking, and which request this is. */
export function requestAuditScope(subgraph: string, claims: Claims | null, headers: IncomingHttpHeaders): AuditScope {
  return {
    subgraph,
    actor: claims?.sub ?? 'anonymous',
    role: claims?.role ?? 'anonymous',
    requestId: requestIdOf(headers),
    operation: null,
    rootField: null,
    mutation: false,
  };
}

/**
 * Completes the request's audit scope once Apollo knows the operation: its name, whether it is a
 * mutation, and, as each mutation field starts (they run one after another), which root field
 * the transactions that follow belong to.
 */
export function auditPlugin(): ApolloServerPlugin<BaseContext> {
  return {
    async requestDidStart() {
      return {
        async didResolveOperation({ operation, operationName }) {
          const scope = currentAuditScope();
          if (!scope) return;
          scope.operation = operationName;
          scope.mutation = operation?.operation === 'mutation';
        },
        async executionDidStart() {
          const scope = currentAuditScope();
          if (!scope?.mutation) return;
          return {
            willResolveField({ info }) {
              if (info.path.prev === undefined) scope.rootField = info.fieldName;
            },
          };
        },
      };
    },
  };
}
