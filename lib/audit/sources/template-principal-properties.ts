// Properties of the IAM principals a template defines that CloudFormation does not know. CloudFormation refuses
// them at deployment, but leash check runs before it, and a misspelt list of policies (`Polices`) would leave the
// principal reading as holding none: the check must not pass on that. Every unknown property is a problem (with
// the nearest known one); one that looks like an absent list that grants permissions is kept as the principal's
// policy, unreadable unless it is one, so the rules take it at its worst.
import { nearest } from '../../util/edit-distance';
import type { SnapshotProblem } from './snapshot';

type Kind = 'role' | 'user' | 'group';

/** The resource types' properties (held to the CloudFormation resource specification by a test). */
export const PRINCIPAL_PROPERTIES: Readonly<Record<Kind, readonly string[]>> = {
  role: [
    'AssumeRolePolicyDocument',
    'Description',
    'ManagedPolicyArns',
    'MaxSessionDuration',
    'Path',
    'PermissionsBoundary',
    'Policies',
    'RoleName',
    'Tags',
  ],
  user: ['Groups', 'LoginProfile', 'ManagedPolicyArns', 'Path', 'PermissionsBoundary', 'Policies', 'Tags', 'UserName'],
  group: ['GroupName', 'ManagedPolicyArns', 'Path', 'Policies'],
};

/** The properties through which a principal holds permissions. */
const GRANTING: Readonly<Record<Kind, readonly string[]>> = {
  role: ['Policies', 'ManagedPolicyArns'],
  user: ['Policies', 'ManagedPolicyArns', 'Groups'],
  group: ['Policies', 'ManagedPolicyArns'],
};

/**
 * Each property of `properties` that `known` lacks, reported at `where(key)`: with `standsFor`, the absent
 * property of `important` it is nearest to (read as that property, `readAs` says how), else only the nearest known.
 */
function unknownProperties(
  properties: Record<string, unknown>,
  known: readonly string[],
  important: readonly string[],
  readAs: (standsFor: string) => string,
  where: (key: string) => string,
  problems: SnapshotProblem[],
): { key: string; standsFor?: string }[] {
  const out: { key: string; standsFor?: string }[] = [];
  for (const key of Object.keys(properties)) {
    if (known.includes(key)) continue;
    const [near] = nearest(key, known, 1);
    const standsFor = near !== undefined && important.includes(near) && !(near in properties) ? near : undefined;
    if (standsFor !== undefined) {
      out.push({ key, standsFor });
      problems.push({
        where: where(key),
        message: `unknown property ${JSON.stringify(key)}; did you mean ${JSON.stringify(standsFor)}? CloudFormation refuses it; ${readAs(standsFor)}`,
      });
      continue;
    }
    out.push({ key });
    problems.push({
      where: where(key),
      message: `unknown property ${JSON.stringify(key)}${near !== undefined ? `; did you mean ${JSON.stringify(near)}?` : ''} CloudFormation refuses it; not read`,
    });
  }
  return out;
}

/**
 * The unknown properties of a principal resource: problems (at `where(key)`), and the values of those that stand
 * for an absent granting property.
 */
export function unknownPrincipalProperties(
  kind: Kind,
  properties: Record<string, unknown>,
  where: (key: string) => string,
): { problems: SnapshotProblem[]; unread: { key: string; value: unknown }[] } {
  const problems: SnapshotProblem[] = [];
  const readAs = () => "read as the principal's policies, which are unknown and taken at their worst";
  const unread = unknownProperties(properties, PRINCIPAL_PROPERTIES[kind], GRANTING[kind], readAs, where, problems)
    .filter((found) => found.standsFor !== undefined)
    .map(({ key }) => ({ key, value: properties[key] }));
  return { problems, unread };
}

/** The properties of the resources that attach permissions to principals (held to the specification by a test). */
export const ATTACHMENT_PROPERTIES: Readonly<Record<string, readonly string[]>> = {
  'AWS::IAM::Policy': ['Groups', 'PolicyName', 'PolicyDocument', 'Roles', 'Users'],
  'AWS::IAM::RolePolicy': ['RoleName', 'PolicyName', 'PolicyDocument'],
  'AWS::IAM::UserPolicy': ['UserName', 'PolicyName', 'PolicyDocument'],
  'AWS::IAM::GroupPolicy': ['GroupName', 'PolicyName', 'PolicyDocument'],
  'AWS::IAM::ManagedPolicy': ['ManagedPolicyName', 'Path', 'Description', 'Groups', 'PolicyDocument', 'Roles', 'Users'],
  'AWS::IAM::UserToGroupAddition': ['GroupName', 'Users'],
};

/** What an attachment grants and to whom: a lookalike of one of these, where it is absent, is read as it. */
const ATTACHING = new Set(['Groups', 'Roles', 'Users', 'RoleName', 'UserName', 'GroupName', 'PolicyDocument']);

/**
 * The attachment's properties with each lookalike of an absent granting or attaching property (`Rolse` for
 * `Roles`) read as that property: the worst case, the grant made as its author meant it. Every unknown property
 * is a problem at `where(key)`.
 */
export function attachmentProperties(
  type: string,
  properties: Record<string, unknown>,
  where: (key: string) => string,
  problems: SnapshotProblem[],
): Record<string, unknown> {
  const known = ATTACHMENT_PROPERTIES[type];
  if (!known) return properties;
  const attaching = known.filter((key) => ATTACHING.has(key));
  let out = properties;
  for (const { key, standsFor } of unknownProperties(
    properties,
    known,
    attaching,
    (as) => `read as ${as}, the worst case`,
    where,
    problems,
  )) {
    if (standsFor !== undefined) out = { ...out, [standsFor]: properties[key] };
  }
  return out;
}
