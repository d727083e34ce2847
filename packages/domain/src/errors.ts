/**
 * Errors the domain raises. They carry a stable code from the API contract (`BAD_USER_INPUT`,
 * `NOT_FOUND`, or a namespaced domain code such as `PARTNERS.TIER_FULL`) and, for bad input,
 * the field at fault. They are turned into GraphQL errors at one boundary (graphql-kit).
 */
export class DomainError extends Error {
  readonly code: string;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: string, message: string, details: Record<string, unknown> = {}) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.details = details;
  }
}

export class InvalidInputError extends DomainError {
  readonly field: string;

  constructor(field: string, message: string) {
    super('BAD_USER_INPUT', `${field}: ${message}`, { field });
    this.name = 'InvalidInputError';
    this.field = field;
  }
}

export class NotFoundError extends DomainError {
  constructor(entity: string, id: string) {
    super('NOT_FOUND', `${entity} ${id} does not exist`, { entity, id });
    this.name = 'NotFoundError';
  }
}

export class ForbiddenError extends DomainError {
  constructor(message = 'You may not access this resource') {
    super('FORBIDDEN', message);
    this.name = 'ForbiddenError';
  }
}

export class UnauthenticatedError extends DomainError {
  constructor(message = 'Authentication required') {
    super('UNAUTHENTICATED', message);
    this.name = 'UnauthenticatedError';
  }
}
