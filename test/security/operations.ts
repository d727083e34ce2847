import {
  buildASTSchema,
  getNamedType,
  getNullableType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  isInterfaceType,
  parse,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLOutputType,
} from 'graphql';

/**
 * Operations generated from the composed supergraph: one minimal, valid request per root field,
 * so the authorisation matrix covers whatever root fields the subgraphs expose today.
 */

export type OperationKind = 'query' | 'mutation' | 'subscription';

export interface RootField {
  kind: OperationKind;
  name: string;
  field: GraphQLField<unknown, unknown>;
}

/** Every root field clients can call: the supergraph's, less those marked @inaccessible. */
export function apiRootFields(supergraphSdl: string): RootField[] {
  // The supergraph declares the join/link directives it uses, so it builds as a schema as is.
  const schema = buildASTSchema(parse(supergraphSdl), { assumeValidSDL: true });
  const roots: [OperationKind, ReturnType<typeof schema.getQueryType>][] = [
    ['query', schema.getQueryType()],
    ['mutation', schema.getMutationType()],
    ['subscription', schema.getSubscriptionType()],
  ];
  return roots.flatMap(([kind, type]) =>
    Object.values(type?.getFields() ?? {})
      .filter((field) => !field.astNode?.directives?.some((directive) => directive.name.value === 'inaccessible'))
      .map((field) => ({ kind, name: field.name, field })),
  );
}

/** Where argument values come from: ids by what they identify, everything else by name. */
export interface ArgumentSource {
  /**
   * The id for an ID argument or input field: `name` is its name and `holder` the input type
   * that holds it, or, for a root field's own arguments, the type the field returns (so `id`
   * of `approveDeal` is a deal's and `id` of `revokeLicense` a licence's).
   */
  id(name: string, holder: string): string;
  /** A scalar or enum value for a non-ID argument, or undefined for the generic default. */
  value(name: string, holder: string): unknown;
  /** Arguments that name a tenant; the cross-tenant calls also send the optional ones. */
  tenantKeys?: readonly string[];
}

export interface BuiltOperation {
  query: string;
  variables: Record<string, unknown>;
}

/**
 * The smallest request for a root field: its required arguments (and, when the source names
 * tenant keys, the optional tenant arguments and filter fields too), passed as variables, and
 * one scalar (an `id` where there is one) selected from what it returns.
 */
export function buildOperation(root: RootField, source: ArgumentSource): BuiltOperation {
  const holder = getNamedType(root.field.type).name;
  const variables: Record<string, unknown> = {};
  const definitions: string[] = [];
  const passed: string[] = [];
  for (const arg of root.field.args) {
    const value = isNonNullType(arg.type) && arg.defaultValue === undefined ? inputValue(arg.type, arg.name, holder, source) : tenantValue(arg.type, arg.name, holder, source);
    if (value === undefined) continue;
    variables[arg.name] = value;
    definitions.push(`$${arg.name}: ${String(arg.type)}`);
    passed.push(`${arg.name}: $${arg.name}`);
  }
  const header = definitions.length > 0 ? `${root.kind} (${definitions.join(', ')})` : root.kind;
  const call = passed.length > 0 ? `${root.name}(${passed.join(', ')})` : root.name;
  return { query: `${header} { ${call}${selectionFor(root.field.type)} }`, variables };
}

function inputValue(type: GraphQLInputType, name: string, holder: string, source: ArgumentSource): unknown {
  const nullable = getNullableType(type);
  if (isListType(nullable)) return [inputValue(nullable.ofType, name, holder, source)];
  if (isInputObjectType(nullable)) {
    const object: Record<string, unknown> = {};
    for (const field of Object.values(nullable.getFields())) {
      if (isNonNullType(field.type) && field.defaultValue === undefined) object[field.name] = inputValue(field.type, field.name, nullable.name, source);
    }
    return object;
  }
  if (nullable.name === 'ID') return source.id(name, holder);
  const chosen = source.value(name, holder);
  if (chosen !== undefined) return chosen;
  if (isEnumType(nullable)) return nullable.getValues()[0]?.value;
  return GENERIC_SCALARS[nullable.name] ?? 'security matrix';
}

/** An optional argument sent only to name a tenant: a tenant id, or a filter holding one. */
function tenantValue(type: GraphQLInputType, name: string, holder: string, source: ArgumentSource): unknown {
  const keys = source.tenantKeys ?? [];
  const nullable = getNullableType(type);
  if (keys.includes(name) && !isListType(nullable) && !isInputObjectType(nullable)) return source.id(name, holder);
  if (!isInputObjectType(nullable)) return undefined;
  const tenantFields = Object.values(nullable.getFields()).filter((field) => keys.includes(field.name) && getNamedType(field.type).name === 'ID');
  if (tenantFields.length === 0) return undefined;
  return Object.fromEntries(tenantFields.map((field) => [field.name, source.id(field.name, nullable.name)]));
}

const GENERIC_SCALARS: Record<string, unknown> = {
  Int: 1,
  Float: 1,
  Boolean: true,
  Date: new Date().toISOString().slice(0, 10),
  DateTime: new Date().toISOString(),
};

/** `{ id }` where the type has one, a connection's node ids, else its first scalar. */
export function selectionFor(type: GraphQLOutputType): string {
  const named: GraphQLNamedType = getNamedType(type);
  if (isLeafType(named)) return '';
  if (!isObjectType(named) && !isInterfaceType(named)) return ' { __typename }';
  const fields = Object.values(named.getFields()).filter((field) => field.args.every((arg) => !isNonNullType(arg.type)));
  const byName = (name: string) => fields.find((field) => field.name === name);
  if (byName('id')) return ' { id }';
  const edges = byName('edges');
  if (edges) return ` { edges { node${selectionFor(nodeType(edges.type))} } }`;
  // A payload without an id of its own (a registration, a result): the id of what it carries.
  const identified = fields.find((field) => {
    const inner = getNamedType(field.type);
    return (isObjectType(inner) || isInterfaceType(inner)) && 'id' in inner.getFields();
  });
  if (identified) return ` { ${identified.name} { id } }`;
  const leaf = fields.find((field) => isLeafType(getNamedType(field.type)));
  if (leaf) return ` { ${leaf.name} }`;
  const nested = fields[0];
  return nested ? ` { ${nested.name}${selectionFor(nested.type)} }` : ' { __typename }';
}

function nodeType(edgesType: GraphQLOutputType): GraphQLOutputType {
  const edge = getNamedType(edgesType);
  const node = isObjectType(edge) ? edge.getFields().node : undefined;
  if (!node) throw new Error(`${edge.name} has no node field`);
  return node.type;
}
