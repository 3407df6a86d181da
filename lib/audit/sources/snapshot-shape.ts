// The account and organization snapshot formats as plain data, read without zod: loading zod (about 95
// modules) cost more than reading a small snapshot file. Only a snapshot that every part of the zod schema in
// snapshot.ts accepts is read here, and as zod would read it (its defaults filled in); anything else goes to
// zod, which names every problem. The shape is held equal to the zod schema by test/audit/sources/
// snapshot-shape.test.ts, which derives it from zod: a field added there and not here fails that test.
import { chainOrderProblems } from './chain-order';
import type { AccountSnapshot, OrganizationSnapshot } from './snapshot';

export type ShapeNode =
  | { readonly kind: 'string' | 'boolean' | 'unknown' }
  | { readonly kind: 'literal' | 'enum'; readonly values: readonly unknown[] }
  /** `chainOrder`: the levels of an SCP or RCP chain, in order from the root down (chainOrderProblems). */
  | { readonly kind: 'array'; readonly item: ShapeNode; readonly chainOrder?: true }
  | { readonly kind: 'record'; readonly value: ShapeNode }
  /** Strict: no key but its fields. */
  | { readonly kind: 'object'; readonly fields: Readonly<Record<string, ShapeField>> };

export interface ShapeField {
  readonly node: ShapeNode;
  readonly optional?: true;
  /** What zod puts in place of an absent value (a fresh copy each time). */
  readonly default?: unknown;
}

const STRING: ShapeNode = { kind: 'string' };
const BOOLEAN: ShapeNode = { kind: 'boolean' };
const UNKNOWN: ShapeNode = { kind: 'unknown' };
const oneOf = (...values: unknown[]): ShapeNode => ({ kind: 'enum', values });
const array = (item: ShapeNode): ShapeNode => ({ kind: 'array', item });
const object = (fields: Record<string, ShapeField | ShapeNode>): ShapeNode => ({
  kind: 'object',
  fields: Object.fromEntries(Object.entries(fields).map(([key, f]) => [key, 'node' in f ? f : { node: f }])),
});
const optional = (node: ShapeNode): ShapeField => ({ node, optional: true });
const withDefault = (node: ShapeNode, value: unknown): ShapeField => ({ node, default: value });

const LOCATION = object({ file: STRING, jsonPath: optional(STRING) });
const NAMED_POLICY = object({ name: STRING, arn: optional(STRING), document: UNKNOWN, location: optional(LOCATION) });
const SOURCE_LOCATION = object({
  file: STRING,
  logicalId: optional(STRING),
  cdkPath: optional(STRING),
  jsonPath: optional(STRING),
});
const PRINCIPAL = object({
  kind: oneOf('role', 'user', 'group'),
  arn: STRING,
  name: STRING,
  uniqueId: optional(STRING),
  path: withDefault(STRING, '/'),
  tags: withDefault({ kind: 'record', value: STRING }, {}),
  trustPolicy: optional(UNKNOWN),
  inlinePolicies: withDefault(array(NAMED_POLICY), []),
  managedPolicyArns: withDefault(array(STRING), []),
  permissionsBoundaryArn: optional(STRING),
  groups: withDefault(array(STRING), []),
  instanceProfiles: optional(array(STRING)),
  serviceLinked: withDefault(BOOLEAN, false),
  definedElsewhere: optional(BOOLEAN),
  unknownTagKeys: optional(array(STRING)),
  location: optional(SOURCE_LOCATION),
});
const MANAGED_POLICY = object({
  arn: STRING,
  name: STRING,
  document: UNKNOWN,
  awsManaged: BOOLEAN,
  bundled: optional(object({ source: STRING, versionId: STRING, newest: STRING })),
});
const LEVEL = object({
  kind: oneOf('root', 'ou', 'account'),
  id: STRING,
  name: optional(STRING),
  policies: array(NAMED_POLICY),
});
const CHAIN: ShapeField = { node: { kind: 'array', item: LEVEL, chainOrder: true }, default: [] };
/** A resource that runs as a role it holds (snapshot.ts RoleHolder). */
const ROLE_HOLDER = object({ arn: STRING, name: STRING, region: STRING, roleArn: optional(STRING) });
const INVENTORY = object({
  regions: array(STRING),
  readAt: optional(STRING),
  lambdaFunctions: optional(array(object({ arn: STRING, name: STRING, role: optional(STRING) }))),
  instanceProfileAssociations: optional(
    array(object({ instanceId: STRING, region: STRING, instanceProfileArn: STRING, state: optional(STRING) })),
  ),
  ecsTasks: optional(
    array(
      object({
        taskArn: STRING,
        clusterArn: STRING,
        taskDefinitionArn: STRING,
        taskRoleArn: optional(STRING),
        executeCommandEnabled: BOOLEAN,
      }),
    ),
  ),
  notebookInstances: optional(array(ROLE_HOLDER)),
  jobDefinitions: optional(array(object({ arn: STRING, name: STRING, region: STRING, roleArns: array(STRING) }))),
  stateMachines: optional(
    array(object({ arn: STRING, name: STRING, region: STRING, roleArn: optional(STRING), express: BOOLEAN })),
  ),
  codePipelines: optional(array(ROLE_HOLDER)),
  codeBuildProjects: optional(array(ROLE_HOLDER)),
  glueJobs: optional(
    array(
      object({
        arn: STRING,
        name: STRING,
        region: STRING,
        role: optional(STRING),
        scriptPinned: optional(BOOLEAN),
      }),
    ),
  ),
  cloudFormationStacks: optional(array(ROLE_HOLDER)),
});

export const ACCOUNT_SNAPSHOT_SHAPE: ShapeNode = object({
  schemaVersion: { kind: 'literal', values: [1] },
  accountId: STRING,
  accountName: optional(STRING),
  source: object({
    kind: oneOf('authorization-details', 'live', 'organization', 'template'),
    location: STRING,
    readAt: optional(STRING),
  }),
  principals: array(PRINCIPAL),
  managedPolicies: array(MANAGED_POLICY),
  serviceControlPolicies: CHAIN,
  resourceControlPolicies: CHAIN,
  organizationPoliciesKnown: withDefault(BOOLEAN, false),
  isManagementAccount: withDefault(BOOLEAN, false),
  organizationId: optional(STRING),
  accountIdIsPlaceholder: optional(BOOLEAN),
  rootSessions: optional(BOOLEAN),
  stackSetsAdministrator: optional(BOOLEAN),
  problems: withDefault(array(object({ where: STRING, message: STRING })), []),
  inventory: optional(INVENTORY),
  resources: optional(array(object({ arn: STRING, tags: { kind: 'record', value: STRING } }))),
  resourcePolicies: optional(
    array(
      object({
        name: STRING,
        resourceArns: withDefault(array(STRING), []),
        document: UNKNOWN,
        location: optional(SOURCE_LOCATION),
      }),
    ),
  ),
  resourcePolicyKinds: optional(array(STRING)),
  unreadResourcePolicies: optional(array(object({ kind: STRING, resource: STRING, reason: STRING }))),
});

export const ORGANIZATION_SNAPSHOT_SHAPE: ShapeNode = object({
  schemaVersion: { kind: 'literal', values: [1] },
  kind: { kind: 'literal', values: ['organization'] },
  organizationId: STRING,
  managementAccountId: STRING,
  readAt: optional(STRING),
  accounts: array(ACCOUNT_SNAPSHOT_SHAPE),
  notAudited: array(object({ accountId: STRING, accountName: optional(STRING), reason: STRING })),
});

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

/** Whether zod would accept `value` for `node` (true only when sure: a `__proto__` key is left to zod). */
export function fitsShape(node: ShapeNode, value: unknown): boolean {
  switch (node.kind) {
    case 'string':
      return typeof value === 'string';
    case 'boolean':
      return typeof value === 'boolean';
    case 'unknown':
      return true;
    case 'literal':
    case 'enum':
      return node.values.includes(value);
    case 'array': {
      if (!Array.isArray(value)) return false;
      // By index: a hole is read as undefined, as zod reads it.
      for (let i = 0; i < value.length; i++) if (!fitsShape(node.item, value[i])) return false;
      return !node.chainOrder || chainOrderProblems(value as Parameters<typeof chainOrderProblems>[0]).length === 0;
    }
    case 'record': {
      if (!isPlainObject(value) || Object.prototype.hasOwnProperty.call(value, '__proto__')) return false;
      for (const key of Object.keys(value)) if (!fitsShape(node.value, value[key])) return false;
      return true;
    }
    case 'object': {
      if (!isPlainObject(value) || Object.prototype.hasOwnProperty.call(value, '__proto__')) return false;
      for (const key of Object.keys(value)) if (!Object.prototype.hasOwnProperty.call(node.fields, key)) return false;
      for (const key of Object.keys(node.fields)) {
        const field = node.fields[key];
        const item = value[key];
        // A required key must be there, even one whose value may be anything (zod: "nonoptional").
        if (item === undefined) {
          if (!field.optional && field.default === undefined) return false;
        } else if (!fitsShape(field.node, item)) return false;
      }
      return true;
    }
  }
}

/** `value` (which fits `node`) as zod reads it: objects with their fields in the schema's order, defaults filled. */
export function readShape(node: ShapeNode, value: unknown): unknown {
  switch (node.kind) {
    case 'array':
      return Array.from(value as unknown[], (item) => readShape(node.item, item));
    case 'record': {
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value as Record<string, unknown>))
        out[key] = readShape(node.value, item);
      return out;
    }
    case 'object': {
      const source = value as Record<string, unknown>;
      const out: Record<string, unknown> = {};
      for (const key of Object.keys(node.fields)) {
        const field = node.fields[key];
        const item = source[key];
        if (item !== undefined) out[key] = readShape(field.node, item);
        else if (field.default !== undefined) out[key] = structuredClone(field.default);
      }
      return out;
    }
    default:
      return value;
  }
}

/** What zod's safeParse gives for a value it accepts. */
export interface PlainRead<T> {
  readonly success: true;
  readonly data: T;
}

/** The account snapshot as zod would read it, or undefined when zod must judge it (and name its problems). */
export function plainAccountSnapshot(value: unknown): PlainRead<AccountSnapshot> | undefined {
  if (!fitsShape(ACCOUNT_SNAPSHOT_SHAPE, value)) return undefined;
  return { success: true, data: readShape(ACCOUNT_SNAPSHOT_SHAPE, value) as AccountSnapshot };
}

/** The organization snapshot as zod would read it, or undefined when zod must judge it. */
export function plainOrganizationSnapshot(value: unknown): PlainRead<OrganizationSnapshot> | undefined {
  if (!fitsShape(ORGANIZATION_SNAPSHOT_SHAPE, value)) return undefined;
  return { success: true, data: readShape(ORGANIZATION_SNAPSHOT_SHAPE, value) as OrganizationSnapshot };
}
