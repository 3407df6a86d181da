// The `template` source: IAM principals and policies read out of CloudFormation templates (what `cdk synth`
// writes), so `leash check` can run the audit rules before anything is deployed.
import { awsPrincipal } from '../../policy/principals';
import { awsManagedArnOfName, BundledPolicyResolver } from './bundled-policies';
import { lambdaPermissionStatement } from './lambda-permission';
import { attachmentProperties, unknownPrincipalProperties } from './template-principal-properties';
import { SAM_GRAPHQL_API, samExecutionRole, type SamRole } from './template-sam';
import { samConnectorGrants } from './template-sam-connectors';
import type {
  AccountSnapshot,
  ManagedPolicy,
  NamedPolicy,
  Principal,
  ResourcePolicy,
  SnapshotProblem,
  SourceLocation,
} from './snapshot';
import {
  NO_VALUE,
  Unresolved,
  arnOf,
  containsUnresolved,
  generatedName,
  isIntrinsic,
  isRecord,
  referencedId,
  resolveIntrinsics,
  unknownIfBranches,
  type ResolveScope,
  type TemplateResource,
} from './templates-intrinsics';

/** One template to read, with what is known about the stack it deploys. */
export interface TemplateStack {
  /** File the template was read from (named in locations and problems). */
  readonly file: string;
  /** The CloudFormation stack name (used for generated physical names). */
  readonly stackName: string;
  readonly template: {
    readonly Resources?: Readonly<Record<string, TemplateResource>>;
    readonly [key: string]: unknown;
  };
  /** Logical id → CDK construct path, when known from the cloud assembly. */
  readonly cdkPaths?: ReadonlyMap<string, string>;
  /** Identity of the stack among those loaded; nested stacks name their parent's key and logical id. */
  readonly key?: string;
  readonly nestedIn?: { readonly parentKey: string; readonly logicalId: string };
  /** The stack's account and region when the assembly names them. */
  readonly accountId?: string;
  readonly region?: string;
}

export interface TemplateSnapshotOptions {
  /** Account id for ARNs when no stack names one; a placeholder by default. */
  readonly accountId?: string;
  /** Where the templates came from (a cdk.out directory or a list of files). */
  readonly location: string;
  /**
   * The account as deployed (`leash check --account`): the customer managed policies the templates attach, or
   * name as a boundary, without defining them are judged by their default version there.
   */
  readonly deployed?: DeployedAccount;
}

/** What `leash check --account` read: one account's principals and customer managed policies, as deployed. */
export interface DeployedAccount {
  readonly file: string;
  readonly accountId: string;
  readonly policies: readonly ManagedPolicy[];
  /** Its roles, users and groups: a principal the templates only name is judged with what it holds there. */
  readonly principals?: readonly Principal[];
  /** What reading the file could not understand (the check says it). */
  readonly problems?: readonly SnapshotProblem[];
}

/** Used when no template says which account it deploys to. */
export const PLACEHOLDER_ACCOUNT_ID = '123456789012';
const PLACEHOLDER_REGION = 'us-east-1';

const PERMISSION_SET_TYPE = 'AWS::SSO::PermissionSet';

const IAM_TYPES = {
  role: 'AWS::IAM::Role',
  user: 'AWS::IAM::User',
  group: 'AWS::IAM::Group',
} as const;

interface PrincipalDraft {
  kind: Principal['kind'];
  arn: string;
  name: string;
  path: string;
  tags: Record<string, string>;
  trustPolicy?: unknown;
  inlinePolicies: NamedPolicy[];
  managedPolicyArns: string[];
  permissionsBoundaryArn?: string;
  groups: string[];
  location: Principal['location'];
  definedElsewhere?: boolean;
  unknownTagKeys?: string[];
}

/** Read every IAM role, user, group and policy from the templates into one snapshot. */
export function snapshotFromTemplates(
  stacks: readonly TemplateStack[],
  options: TemplateSnapshotOptions,
): AccountSnapshot {
  return readTemplates(stacks, options).snapshot;
}

export interface TemplateReading {
  readonly snapshot: AccountSnapshot;
  /** Where each customer managed policy is defined (principals carry their own `location`). */
  readonly managedPolicyLocations: ReadonlyMap<string, SourceLocation>;
  /** The ARNs judged by their deployed document (TemplateSnapshotOptions.deployed), in the order met. */
  readonly fromDeployed: readonly string[];
  /** Principals the templates only name, judged with what they hold as deployed: `role name`, `user name`. */
  readonly standInsFromDeployed: readonly string[];
}

/** The snapshot plus the template locations of managed policies, for mapping findings back to templates. */
export function readTemplates(given: readonly TemplateStack[], options: TemplateSnapshotOptions): TemplateReading {
  let stacks = given;
  const managedPolicyLocations = new Map<string, SourceLocation>();
  const accountId = options.accountId ?? stacks.find((stack) => stack.accountId)?.accountId ?? PLACEHOLDER_ACCOUNT_ID;
  const problems: SnapshotProblem[] = [];
  const samRoles = new Map<TemplateStack, Map<string, { samId: string; role: SamRole }>>();
  stacks = stacks.map((stack) => withSamRoles(stack, samRoles, problems));
  // Not named `exports`: that would shadow CommonJS's own in the compiled module.
  const stackExports = new Map<string, { value: unknown; scope: ResolveScope }>();
  const scopes: ResolveScope[] = [];
  const scopeByKey = new Map<string, { scope: ResolveScope; stack: TemplateStack }>();
  for (const stack of stacks) {
    const nestedIn = stack.nestedIn;
    const parent = nestedIn ? scopeByKey.get(nestedIn.parentKey) : undefined;
    const scope = makeScope(
      stack,
      accountId,
      stackExports,
      problems,
      parent && nestedIn && { ...parent, logicalId: nestedIn.logicalId },
    );
    scopes.push(scope);
    if (stack.key) scopeByKey.set(stack.key, { scope, stack });
  }
  stacks.forEach((stack, index) => collectExports(stack, scopes[index], stackExports));

  const principals: PrincipalDraft[] = [];
  const managedPolicies: ManagedPolicy[] = [];
  const resources: { arn: string; tags: Record<string, string> }[] = [];
  const resourcePolicies: ResourcePolicy[] = [];
  const attachments: { stack: TemplateStack; scope: ResolveScope; logicalId: string; resource: TemplateResource }[] =
    [];

  stacks.forEach((stack, index) => {
    const scope = scopes[index];
    const roles = new Map<string, PrincipalDraft>();
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      const kind = principalKind(resource.Type);
      const sam = samRoles.get(stack)?.get(logicalId);
      if (sam) {
        const draft = readSamRole(stack, scope, sam.samId, sam.role, problems);
        roles.set(logicalId, draft);
        principals.push(draft);
      } else if (kind) {
        const draft = readPrincipal(kind, stack, scope, logicalId, resource, problems);
        if (kind === 'role') roles.set(logicalId, draft);
        principals.push(draft);
      } else if (resource.Type === PERMISSION_SET_TYPE) {
        principals.push(readPermissionSet(stack, scope, logicalId, resource, problems));
      } else if (resource.Type.startsWith('AWS::IAM::')) {
        attachments.push({ stack, scope, logicalId, resource });
      } else {
        const tagged = taggedResource(logicalId, resource, scope);
        if (tagged) resources.push(tagged);
        resourcePolicies.push(...readResourcePolicies(stack, scope, logicalId, resource, problems));
      }
    }
    readConnectors(stack, scope, roles, problems);
  });

  for (const { stack, scope, logicalId, resource } of attachments) {
    const where = (path: string) => `${stack.file}: Resources.${logicalId}.Properties.${path}`;
    const properties = attachmentProperties(resource.Type, resource.Properties ?? {}, where, problems);
    const context: ReadContext = { scope, problems, where };
    switch (resource.Type) {
      case 'AWS::IAM::Policy':
      case 'AWS::IAM::RolePolicy':
      case 'AWS::IAM::UserPolicy':
      case 'AWS::IAM::GroupPolicy': {
        const policy: NamedPolicy = {
          name: readString(properties.PolicyName, 'PolicyName', context) ?? logicalId,
          document: readPolicyDocument(properties.PolicyDocument, 'PolicyDocument', context),
        };
        for (const target of attachmentTargets(resource.Type, properties, context)) {
          const principal =
            findPrincipal(principals, target.kind, target.name) ??
            standIn(principals, problems, scope, stack, logicalId, target, `policy ${policy.name}`, where);
          principal.inlinePolicies.push(policy);
        }
        break;
      }
      case 'AWS::IAM::ManagedPolicy': {
        const arn = arnOf(logicalId, resource, scope);
        const arnText = typeof arn === 'string' ? arn : arn instanceof Unresolved && arn.pattern ? arn.pattern : '';
        const name = arnText.split('/').pop() || generatedName(scope, logicalId);
        managedPolicyLocations.set(arnText, {
          file: stack.file,
          logicalId,
          cdkPath: cdkPathOf(stack, logicalId, resource),
          jsonPath: `Resources.${logicalId}`,
        });
        managedPolicies.push({
          arn: arnText,
          name,
          document: readPolicyDocument(properties.PolicyDocument, 'PolicyDocument', context),
          awsManaged: false,
        });
        for (const target of attachmentTargets(resource.Type, properties, context)) {
          const principal =
            findPrincipal(principals, target.kind, target.name) ??
            standIn(principals, problems, scope, stack, logicalId, target, `managed policy ${name}`, where);
          principal.managedPolicyArns.push(arnText);
        }
        break;
      }
      case 'AWS::IAM::UserToGroupAddition': {
        // A group only deployment can name is still a group whose policies the users get: unknown, not none.
        const group =
          readString(properties.GroupName, 'GroupName', context) ??
          (properties.GroupName === undefined ? undefined : unresolvedName('GroupName', context));
        for (const target of nameList(properties.Users, 'Users', context)) {
          const user =
            findPrincipal(principals, 'user', target.name) ??
            standIn(
              principals,
              problems,
              scope,
              stack,
              logicalId,
              { kind: 'user', ...target },
              `group ${group ?? '?'}`,
              where,
            );
          if (group) user.groups.push(group);
        }
        break;
      }
    }
  }

  // A principal of this account that a resource policy names but the templates do not define (an agent's role
  // made elsewhere, whose session the change names) is judged by what the templates give it, as for a policy
  // attached to it.
  const accountKnown = options.accountId !== undefined || stacks.some((stack) => stack.accountId !== undefined);
  for (const policy of resourcePolicies) {
    if (!accountKnown) takeAccountsAsOwn(policy, problems, accountId);
    addNamedStandIns(policy, principals, problems, accountId);
  }

  // A group no user of the templates belongs to still grants its policies to whoever is added to it later (in
  // the console, another stack, a script): judged through one stand-in member, so a group that lets its members
  // delete production does not pass for want of a member.
  for (const group of principals.filter((principal) => principal.kind === 'group')) {
    if (principals.some((principal) => principal.kind === 'user' && principal.groups.includes(group.name))) continue;
    const member = `member-of-${group.name}`;
    principals.push(
      newDraft({
        kind: 'user',
        arn: `arn:${scopes[0]?.partition ?? 'aws'}:iam::${accountId}:user/${member}`,
        name: member,
        path: '/',
        groups: [group.name],
        location: group.location,
        definedElsewhere: true,
      }),
    );
    problems.push({
      where: `${group.location?.file}: ${group.location?.jsonPath ?? group.name}`,
      message:
        `group ${group.name} has no member in these templates: judged through a stand-in member, ${member} ` +
        '(anyone added to it later gets its permissions)',
    });
  }

  // CDK names AWS managed policies (`ManagedPolicy.fromAwsManagedPolicyName`) without defining them: their
  // documents come from the bundled data, and any other policy the templates do not define stays unknown.
  const standInsFromDeployed = options.deployed ? withDeployedHoldings(principals, options.deployed) : [];
  for (const named of standInsFromDeployed) {
    for (const problem of problems) {
      if (!problem.message.includes(`${named}, which is not defined in these templates`)) continue;
      problem.message = problem.message.replace(
        'judged by what these templates give it alone (its own policies, boundary and trust are unknown)',
        `judged by what these templates give it and what it holds in ${options.deployed?.file}`,
      );
    }
  }
  const bundled = new BundledPolicyResolver(new Set(managedPolicies.map((policy) => policy.arn)));
  const deployed = deployedPolicies(options.deployed, accountKnown ? undefined : accountId, managedPolicies);
  for (const principal of principals) {
    if (principal.permissionsBoundaryArn && !bundled.holds(principal.permissionsBoundaryArn)) {
      deployed.holds(principal.permissionsBoundaryArn);
    }
    for (const arn of principal.managedPolicyArns) {
      if (bundled.holds(arn) || deployed.holds(arn)) continue;
      problems.push({
        where: `${principal.location?.file}: Resources.${principal.location?.logicalId}.Properties.ManagedPolicyArns`,
        message: `managed policy ${arn} is not defined in these templates; its permissions are not evaluated`,
      });
    }
  }

  managedPolicies.push(...bundled.added);
  const unreadBundle = bundled.problem(options.location);
  if (unreadBundle) problems.push(unreadBundle);
  const snapshot: AccountSnapshot = {
    schemaVersion: 1,
    accountId,
    ...(accountKnown ? {} : { accountIdIsPlaceholder: true }),
    source: { kind: 'template', location: options.location },
    principals: principals.map((draft) => ({ ...draft, serviceLinked: false })),
    managedPolicies,
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    organizationPoliciesKnown: false,
    isManagementAccount: false,
    problems,
    ...(resources.length > 0 ? { resources } : {}),
    ...(resourcePolicies.length > 0 ? { resourcePolicies } : {}),
  };
  return { snapshot, managedPolicyLocations, fromDeployed: deployed.taken, standInsFromDeployed };
}

/**
 * Principals the templates attach policies to (or a resource policy names) without defining them, given what
 * they hold in the deployed account: its policies, boundary, trust and tags, and a user's groups with theirs,
 * besides what the templates add. The rules then judge the principal as it will be (an agent role is an agent, its boundary caps the new
 * policy) instead of by the templates' part alone. Returns `role name` / `user name` of each one found.
 */
function withDeployedHoldings(principals: PrincipalDraft[], account: DeployedAccount): string[] {
  const found: string[] = [];
  const byName = new Map((account.principals ?? []).map((p) => [`${p.kind} ${p.name.toLowerCase()}`, p]));
  const defined = (kind: Principal['kind'], name: string) =>
    principals.some((p) => p.kind === kind && p.name.toLowerCase() === name.toLowerCase());
  // Only the stand-ins the templates made: groups brought in below are not walked again.
  for (const draft of principals.filter((p) => p.definedElsewhere)) {
    const deployed = byName.get(`${draft.kind} ${draft.name.toLowerCase()}`);
    if (!deployed) continue;
    found.push(`${draft.kind} ${draft.name}`);
    draft.tags = { ...deployed.tags, ...draft.tags };
    draft.inlinePolicies.push(
      ...deployed.inlinePolicies.map((policy) => ({ ...policy, name: `${policy.name} (deployed)` })),
    );
    draft.managedPolicyArns.push(...deployed.managedPolicyArns.filter((arn) => !draft.managedPolicyArns.includes(arn)));
    if (draft.permissionsBoundaryArn === undefined && deployed.permissionsBoundaryArn !== undefined) {
      draft.permissionsBoundaryArn = deployed.permissionsBoundaryArn;
    }
    if (draft.trustPolicy === undefined && deployed.trustPolicy !== undefined) draft.trustPolicy = deployed.trustPolicy;
    // A user's groups as deployed, with their policies, where the templates do not define them.
    for (const groupName of deployed.groups) {
      if (!draft.groups.includes(groupName)) draft.groups.push(groupName);
      const group = byName.get(`group ${groupName.toLowerCase()}`);
      if (!group || defined('group', groupName)) continue;
      principals.push(
        newDraft({
          kind: 'group',
          arn: draft.arn.replace(/:user\/.*$/, `:group/${group.name}`),
          name: group.name,
          path: group.path,
          location: draft.location,
          definedElsewhere: true,
          inlinePolicies: group.inlinePolicies.map((policy) => ({ ...policy, name: `${policy.name} (deployed)` })),
          managedPolicyArns: [...group.managedPolicyArns],
        }),
      );
      found.push(`group ${group.name}`);
    }
  }
  return found;
}

/**
 * The customer managed policies of the deployed account (TemplateSnapshotOptions.deployed) the templates name
 * without defining, added to `managedPolicies` as met. An ARN matches by itself or, where the templates name no
 * account (`placeholder`), by its path and name in that account: `${AWS::AccountId}` is the account deployed to.
 */
function deployedPolicies(
  account: DeployedAccount | undefined,
  placeholder: string | undefined,
  managedPolicies: ManagedPolicy[],
): { holds(arn: string): boolean; taken: string[] } {
  const taken: string[] = [];
  const byArn = new Map((account?.policies ?? []).filter((p) => !p.awsManaged).map((p) => [p.arn, p]));
  const held = new Set(managedPolicies.map((policy) => policy.arn));
  return {
    taken,
    holds(arn) {
      if (held.has(arn)) return true;
      if (!account) return false;
      const placeholderPrefix = placeholder === undefined ? undefined : `:iam::${placeholder}:policy/`;
      const asDeployed =
        placeholderPrefix !== undefined && arn.includes(placeholderPrefix)
          ? arn.replace(placeholderPrefix, `:iam::${account.accountId}:policy/`)
          : arn;
      const policy = byArn.get(asDeployed);
      if (!policy) return false;
      managedPolicies.push({ ...policy, arn });
      held.add(arn);
      taken.push(arn);
      return true;
    },
  };
}

function principalKind(type: string): Principal['kind'] | undefined {
  if (type === IAM_TYPES.role) return 'role';
  if (type === IAM_TYPES.user) return 'user';
  if (type === IAM_TYPES.group) return 'group';
  return undefined;
}

function makeScope(
  stack: TemplateStack,
  accountId: string,
  stackExports: ReadonlyMap<string, { value: unknown; scope: ResolveScope }>,
  problems: SnapshotProblem[],
  parent?: { readonly scope: ResolveScope; readonly stack: TemplateStack; readonly logicalId: string },
): ResolveScope {
  const template = stack.template as Record<string, unknown>;
  const stackResource = parent?.stack.template.Resources?.[parent.logicalId];
  const parameterValues = stackResource?.Properties?.Parameters as Record<string, unknown> | undefined;
  const asRecord = (value: unknown) => (value && typeof value === 'object' ? (value as Record<string, never>) : {});
  const noted = new Set<string>();
  return {
    stackName: stack.stackName,
    accountId: stack.accountId ?? accountId,
    region: stack.region ?? PLACEHOLDER_REGION,
    partition: 'aws',
    resources: stack.template.Resources ?? {},
    parameters: asRecord(template.Parameters),
    mappings: asRecord(template.Mappings),
    conditions: asRecord(template.Conditions),
    exports: stackExports,
    parameterValues,
    parent: parent?.scope,
    note: (message) => {
      if (noted.has(message)) return;
      noted.add(message);
      problems.push({ where: stack.file, message: `${message} (it may differ at deployment)` });
    },
  };
}

function collectExports(
  stack: TemplateStack,
  scope: ResolveScope,
  stackExports: Map<string, { value: unknown; scope: ResolveScope }>,
): void {
  const outputs = (stack.template as { Outputs?: Record<string, { Value?: unknown; Export?: { Name?: unknown } }> })
    .Outputs;
  for (const output of Object.values(outputs ?? {})) {
    const name = resolveIntrinsics(output?.Export?.Name, scope);
    if (typeof name === 'string') stackExports.set(name, { value: output.Value, scope });
  }
}

interface ReadContext {
  readonly scope: ResolveScope;
  readonly problems: SnapshotProblem[];
  /** `file: Resources.Id.Properties.<path>` */
  readonly where: (path: string) => string;
}

/** A principal with nothing granted yet: the fields every principal of a template snapshot has. */
function newDraft(
  fields: Pick<PrincipalDraft, 'kind' | 'arn' | 'name' | 'path' | 'location'> & Partial<PrincipalDraft>,
): PrincipalDraft {
  return { tags: {}, inlinePolicies: [], managedPolicyArns: [], groups: [], ...fields };
}

/** A resource's properties and how to read them (problems located at `file: Resources.<id>.Properties.<path>`). */
function resourceReader(
  stack: TemplateStack,
  scope: ResolveScope,
  logicalId: string,
  resource: TemplateResource,
  problems: SnapshotProblem[],
): { properties: Record<string, unknown>; context: ReadContext } {
  const where = (path: string) => `${stack.file}: Resources.${logicalId}.Properties.${path}`;
  return { properties: resource.Properties ?? {}, context: { scope, problems, where } };
}

/** Where a principal defined by a resource is: its file, logical id, construct path and JSON path. */
function resourceLocation(stack: TemplateStack, logicalId: string, resource: TemplateResource): Principal['location'] {
  return {
    file: stack.file,
    logicalId,
    cdkPath: cdkPathOf(stack, logicalId, resource),
    jsonPath: `Resources.${logicalId}`,
  };
}

function readPrincipal(
  kind: Principal['kind'],
  stack: TemplateStack,
  scope: ResolveScope,
  logicalId: string,
  resource: TemplateResource,
  problems: SnapshotProblem[],
  madeBy?: string,
): PrincipalDraft {
  const reader = resourceReader(stack, scope, logicalId, resource, problems);
  const properties = reader.properties;
  const context: ReadContext = madeBy
    ? {
        ...reader.context,
        where: (path) => `${stack.file}: Resources.${madeBy}.Properties.${path} (in the role SAM makes, ${logicalId})`,
      }
    : reader.context;
  const nameProperty = kind === 'role' ? 'RoleName' : kind === 'user' ? 'UserName' : 'GroupName';
  const name = readString(properties[nameProperty], nameProperty, context) ?? generatedName(scope, logicalId);
  const path = readString(properties.Path, 'Path', context) ?? '/';
  const principalTags = readTags(properties.Tags, context);
  const draft = newDraft({
    kind,
    arn: `arn:${scope.partition}:iam::${scope.accountId}:${kind}${path}${name}`,
    name,
    path,
    tags: principalTags.tags,
    ...(principalTags.unknownKeys.length > 0 ? { unknownTagKeys: principalTags.unknownKeys } : {}),
    location: resourceLocation(
      stack,
      madeBy ?? logicalId,
      madeBy ? (stack.template.Resources?.[madeBy] ?? resource) : resource,
    ),
  });
  if (kind === 'role') {
    draft.trustPolicy = readPolicyDocument(properties.AssumeRolePolicyDocument, 'AssumeRolePolicyDocument', context);
  }
  const unknown = unknownPrincipalProperties(kind, properties, context.where);
  problems.push(...unknown.problems);
  for (const { key, value } of unknown.unread) {
    draft.inlinePolicies.push({ name: `${logicalId}-${key} (an unknown property)`, document: value });
  }
  const policies = listEntries(properties.Policies, 'Policies', context);
  // The policies as written, when they line up with the resolved list: a document is read from its own text,
  // where a statement that is Fn::If on an unknown condition can still be opened (withConditionalStatements).
  const written =
    Array.isArray(properties.Policies) && properties.Policies.length === policies.length ? properties.Policies : [];
  for (const [index, entry] of policies.entries()) {
    if (entry instanceof Unresolved) {
      // Policies a condition only deployment knows (Fn::If): what they grant is unknown, so it is one policy
      // no one can read, which the rules take at its worst.
      draft.inlinePolicies.push({ name: `${logicalId}-unresolved-policies`, document: entry.reason });
      continue;
    }
    const policy = (entry ?? {}) as Record<string, unknown>;
    const text = written[index] as Record<string, unknown> | undefined;
    const ownText = text && typeof text === 'object' && !Array.isArray(text) && 'PolicyDocument' in text;
    draft.inlinePolicies.push({
      name: readString(policy.PolicyName, `Policies[${index}].PolicyName`, context) ?? `${logicalId}-policy-${index}`,
      document: readPolicyDocument(
        ownText ? text.PolicyDocument : policy.PolicyDocument,
        `Policies[${index}].PolicyDocument`,
        context,
      ),
    });
  }
  for (const entry of grantList(properties.ManagedPolicyArns, 'ManagedPolicyArns', context)) {
    draft.managedPolicyArns.push(entry);
  }
  if (kind !== 'group' && properties.PermissionsBoundary !== undefined) {
    draft.permissionsBoundaryArn = readString(properties.PermissionsBoundary, 'PermissionsBoundary', context);
  }
  if (kind === 'user') {
    draft.groups.push(...grantList(properties.Groups, 'Groups', context));
  }
  return draft;
}

/**
 * The stack with the roles the SAM transform makes (template-sam.ts) added to its resources, so that
 * `!GetAtt FnRole.Arn` elsewhere resolves as after the transform; the stack itself when it has none. A role
 * whose logical id the template already uses is not added (the transform refuses the template): a problem.
 */
function withSamRoles(
  stack: TemplateStack,
  samRoles: Map<TemplateStack, Map<string, { samId: string; role: SamRole }>>,
  problems: SnapshotProblem[],
): TemplateStack {
  const resources = stack.template.Resources ?? {};
  const added: Record<string, TemplateResource> = {};
  const origins = new Map<string, { samId: string; role: SamRole }>();
  for (const [logicalId, resource] of Object.entries(resources)) {
    if (resource.Type === SAM_GRAPHQL_API) {
      problems.push({
        where: `${stack.file}: Resources.${logicalId}`,
        message: 'the roles SAM makes for a GraphQL API (its data sources and logging) are not read',
      });
    }
    const events = resource.Type.startsWith('AWS::Serverless::') ? resource.Properties?.Events : undefined;
    for (const [name, event] of isRecord(events) ? Object.entries(events) : []) {
      if (!isRecord(event) || event.Type !== 'ScheduleV2') continue;
      problems.push({
        where: `${stack.file}: Resources.${logicalId}.Properties.Events.${name}`,
        message: `the role SAM makes for EventBridge Scheduler to start ${logicalId} is not read`,
      });
    }
    const role = samExecutionRole(logicalId, resource, stack.template.Globals, awsManagedArnOfName);
    if (!role) continue;
    if (role.logicalId in resources || role.logicalId in added) {
      problems.push({
        where: `${stack.file}: Resources.${role.logicalId}`,
        message:
          `the SAM transform makes role ${role.logicalId} for ${logicalId}, and the template already has a ` +
          'resource of that id: the transform refuses the template; the role is not read',
      });
      continue;
    }
    added[role.logicalId] = role.resource;
    origins.set(role.logicalId, { samId: logicalId, role });
  }
  if (origins.size === 0) return stack;
  const expanded: TemplateStack = { ...stack, template: { ...stack.template, Resources: { ...resources, ...added } } };
  samRoles.set(expanded, origins);
  return expanded;
}

/** The policies SAM connectors give the template's roles (template-sam-connectors.ts), and what is not read. */
function readConnectors(
  stack: TemplateStack,
  scope: ResolveScope,
  roles: ReadonlyMap<string, PrincipalDraft>,
  problems: SnapshotProblem[],
): void {
  const { grants, notRead } = samConnectorGrants(stack.template.Resources ?? {});
  for (const { path, message } of notRead) problems.push({ where: `${stack.file}: ${path}`, message });
  for (const grant of grants) {
    const role = roles.get(grant.roleLogicalId);
    const where = (at: string) => `${stack.file}: ${grant.path} (${grant.policyName}.${at})`;
    if (!role) {
      problems.push({
        where: `${stack.file}: ${grant.path}`,
        message: `the connector's policy goes on role ${grant.roleLogicalId}, which the template does not define: not judged`,
      });
      continue;
    }
    role.inlinePolicies.push({
      name: grant.policyName,
      document: readPolicyDocument(grant.document, 'PolicyDocument', { scope, problems, where }),
    });
  }
}

/** The role SAM makes for a function or state machine, read as a role, with the grants only SAM can read. */
function readSamRole(
  stack: TemplateStack,
  scope: ResolveScope,
  samId: string,
  role: SamRole,
  problems: SnapshotProblem[],
): PrincipalDraft {
  const draft = readPrincipal('role', stack, scope, role.logicalId, role.resource, problems, samId);
  for (const { path, message } of role.notRead) {
    problems.push({ where: `${stack.file}: Resources.${samId}.Properties.${path}`, message });
  }
  for (const grant of role.unknownGrants) {
    const where = `${stack.file}: Resources.${samId}.Properties.${grant.path}`;
    problems.push({ where, message: `${grant.reason}; taken as an unknown grant` });
    draft.inlinePolicies.push({ name: grant.name, document: `${grant.reason} (${where})` });
  }
  return draft;
}

/**
 * An IAM Identity Center permission set: in every account it is assigned to, Identity Center creates a role
 * (`aws-reserved/sso.amazonaws.com/AWSReservedSSO_<name>_<suffix>`) with these policies, which people (and
 * agents acting for them) use. Judged as that role; its trust (the SAML provider) is not in the template.
 */
function readPermissionSet(
  stack: TemplateStack,
  scope: ResolveScope,
  logicalId: string,
  resource: TemplateResource,
  problems: SnapshotProblem[],
): PrincipalDraft {
  const { properties, context } = resourceReader(stack, scope, logicalId, resource, problems);
  const setName = readString(properties.Name, 'Name', context) ?? generatedName(scope, logicalId);
  const name = `AWSReservedSSO_${setName}`;
  const path = '/aws-reserved/sso.amazonaws.com/';
  // A reference whose name only deployment knows still attaches a policy: an unknown grant, not none (as grantList).
  const customerPolicyArn = (reference: unknown, at: string): string => {
    const fields = (reference ?? {}) as Record<string, unknown>;
    const policyName = readString(fields.Name, `${at}.Name`, context);
    if (policyName === undefined) return `unresolved ${at}.Name`;
    const policyPath = (fields.Path !== undefined ? readString(fields.Path, `${at}.Path`, context) : undefined) ?? '/';
    return `arn:${scope.partition}:iam::${scope.accountId}:policy${policyPath}${policyName}`;
  };
  const draft = newDraft({
    kind: 'role',
    arn: `arn:${scope.partition}:iam::${scope.accountId}:role${path}${name}`,
    name,
    path,
    managedPolicyArns: grantList(properties.ManagedPolicies, 'ManagedPolicies', context),
    location: resourceLocation(stack, logicalId, resource),
  });
  if (properties.InlinePolicy !== undefined) {
    draft.inlinePolicies.push({
      name: 'InlinePolicy',
      document: readPolicyDocument(jsonTextAsObject(properties.InlinePolicy, scope), 'InlinePolicy', context),
    });
  }
  const references = listEntries(
    properties.CustomerManagedPolicyReferences,
    'CustomerManagedPolicyReferences',
    context,
  );
  references.forEach((reference: unknown, index: number) => {
    if (reference instanceof Unresolved) {
      draft.managedPolicyArns.push(`unresolved CustomerManagedPolicyReferences (${reference.reason})`);
      return;
    }
    draft.managedPolicyArns.push(customerPolicyArn(reference, `CustomerManagedPolicyReferences[${index}]`));
  });
  const boundary = properties.PermissionsBoundary as Record<string, unknown> | undefined;
  if (boundary !== undefined) {
    draft.permissionsBoundaryArn =
      boundary.ManagedPolicyArn !== undefined
        ? readString(boundary.ManagedPolicyArn, 'PermissionsBoundary.ManagedPolicyArn', context)
        : customerPolicyArn(
            boundary.CustomerManagedPolicyReference,
            'PermissionsBoundary.CustomerManagedPolicyReference',
          );
  }
  return draft;
}

/** A policy given as JSON text (a permission set's InlinePolicy may be): the object it holds, else as given. */
function jsonTextAsObject(value: unknown, scope: ResolveScope): unknown {
  const resolved = resolveIntrinsics(value, scope);
  if (typeof resolved !== 'string') return value;
  try {
    return JSON.parse(resolved) as unknown;
  } catch {
    return resolved;
  }
}

function cdkPathOf(stack: TemplateStack, logicalId: string, resource: TemplateResource): string | undefined {
  const metadata = resource.Metadata as Record<string, unknown> | undefined;
  const fromMetadata = metadata?.['aws:cdk:path'];
  if (typeof fromMetadata === 'string') return fromMetadata;
  return stack.cdkPaths?.get(logicalId);
}

function findPrincipal(
  principals: PrincipalDraft[],
  kind: Principal['kind'],
  name: string,
): PrincipalDraft | undefined {
  return principals.find((principal) => principal.kind === kind && principal.name === name);
}

/**
 * A principal the templates give a policy (or a group) without defining it: an existing role that a stack makes
 * more powerful. It is judged by what the templates give it alone, as if it had nothing else (no boundary, no
 * other policy; its trust unknown and not judged), so a stack that hands `Allow *` to an existing role cannot
 * pass unseen. Said in the input problems, once per principal.
 */
function standIn(
  principals: PrincipalDraft[],
  problems: SnapshotProblem[],
  scope: ResolveScope,
  stack: TemplateStack,
  logicalId: string,
  target: { kind: Principal['kind']; name: string; path: string },
  what: string,
  where: (path: string) => string,
): PrincipalDraft {
  const draft = newDraft({
    kind: target.kind,
    arn: `arn:${scope.partition}:iam::${scope.accountId}:${target.kind}/${target.name}`,
    name: target.name,
    path: '/',
    location: { file: stack.file, logicalId, jsonPath: `Resources.${logicalId}.Properties.${target.path}` },
    definedElsewhere: true,
  });
  principals.push(draft);
  problems.push({
    where: where(target.path),
    message:
      `${what} is attached to ${target.kind} ${target.name}, which is not defined in these templates: judged by ` +
      'what these templates give it alone (its own policies, boundary and trust are unknown)',
  });
  return draft;
}

function attachmentTargets(
  type: string,
  properties: Record<string, unknown>,
  context: ReadContext,
): { kind: Principal['kind']; name: string; path: string }[] {
  const single = (kind: Principal['kind'], key: string) => {
    if (properties[key] === undefined) return [];
    // readString names what it could not resolve among the problems.
    const name = readString(properties[key], key, context);
    return [{ kind, name: name ?? unresolvedName(key, context), path: key }];
  };
  if (type === 'AWS::IAM::RolePolicy') return single('role', 'RoleName');
  if (type === 'AWS::IAM::UserPolicy') return single('user', 'UserName');
  if (type === 'AWS::IAM::GroupPolicy') return single('group', 'GroupName');
  return [
    ...nameList(properties.Roles, 'Roles', context).map((target) => ({ kind: 'role' as const, ...target })),
    ...nameList(properties.Users, 'Users', context).map((target) => ({ kind: 'user' as const, ...target })),
    ...nameList(properties.Groups, 'Groups', context).map((target) => ({ kind: 'group' as const, ...target })),
  ];
}

function nameList(value: unknown, path: string, context: ReadContext): { name: string; path: string }[] {
  if (value === undefined) return [];
  const resolved = resolveIntrinsics(value, context.scope);
  if (resolved === NO_VALUE) return [];
  if (!Array.isArray(resolved)) {
    context.problems.push({
      where: context.where(path),
      message: `${describeUnresolved(resolved, 'expected a list of names')}; attached to a principal named by it`,
    });
    return [{ name: unresolvedName(path, context), path }];
  }
  const out: { name: string; path: string }[] = [];
  resolved.forEach((item, index) => {
    const name = asString(item);
    // A role ARN works where a name is expected in some templates: keep the part after the last slash.
    if (name)
      out.push({ name: name.startsWith('arn:') ? (name.split('/').pop() ?? name) : name, path: `${path}[${index}]` });
    else out.push({ name: unknownName(`${path}[${index}]`, item, context), path: `${path}[${index}]` });
  });
  return out;
}

/**
 * A principal a policy is attached to whose name only deployment knows (an import no template exports): still
 * someone who gets the policy, so it becomes a principal of that made-up name, judged by what it is given.
 */
function unknownName(path: string, value: unknown, context: ReadContext): string {
  context.problems.push({
    where: context.where(path),
    message: `${describeUnresolved(resolveIntrinsics(value, context.scope), 'not a name')}; attached to a principal named by it`,
  });
  return unresolvedName(path, context);
}

/** `unresolved <logicalId>.<path>`: one made-up principal per place, so two unknown names never merge. */
function unresolvedName(path: string, context: ReadContext): string {
  const place = /Resources\.([^.]+)\.Properties\.(.*)$/.exec(context.where(path));
  return `unresolved ${place ? `${place[1]}.${place[2]}` : path}`;
}

/**
 * The entries of a list property, resolved (`Fn::If` on a known condition, `AWS::NoValue` entries left out). A list only deployment
 * knows is one Unresolved entry, named in the problems, so the caller can take it at its worst.
 */
function listEntries(value: unknown, path: string, context: ReadContext): unknown[] {
  if (value === undefined) return [];
  const resolved = resolveIntrinsics(value, context.scope);
  if (resolved === NO_VALUE) return [];
  // resolveIntrinsics drops AWS::NoValue entries from a list already.
  if (Array.isArray(resolved)) return resolved;
  const unknown = resolved instanceof Unresolved ? resolved : new Unresolved('expected a list');
  context.problems.push({
    where: context.where(path),
    message: `${describeUnresolved(unknown, 'expected a list')}; taken as unknown`,
  });
  return [unknown];
}

/**
 * A list of what grants a principal permissions (managed policy ARNs, group names). An entry that cannot be
 * resolved (an import no template exports, a parameter without a default) still grants something: it is kept
 * as a name no input defines, `unresolved <path> (<why>)`, so the rules treat it as an unknown grant, taken at
 * its worst, instead of the principal looking as if it had none.
 */
function grantList(value: unknown, path: string, context: ReadContext): string[] {
  if (value === undefined) return [];
  const unknown = (at: string, item: unknown, fallback: string) => {
    const why = describeUnresolved(item, fallback);
    context.problems.push({ where: context.where(at), message: `${why}; taken as an unknown grant` });
    return `unresolved ${at} (${why})`;
  };
  const entry = (item: unknown, at: string): string[] => {
    // An entry that is Fn::If on a condition only deployment knows grants one branch or the other: every
    // branch is judged (more access, never less), and the choice is said.
    const open = unknownIfBranches(item, context.scope);
    if (open) {
      context.problems.push({
        where: context.where(at),
        message: `Fn::If on ${open.conditions.join(', ')}, known only at deployment: every branch is judged as attached`,
      });
      return open.branches.flatMap((branch) => entry(branch, at));
    }
    const resolved = resolveIntrinsics(item, context.scope);
    if (resolved === NO_VALUE) return [];
    return [asString(resolved) ?? unknown(at, resolved, 'not a string')];
  };
  if (Array.isArray(value)) return value.flatMap((item, index) => entry(item, `${path}[${index}]`));
  const open = unknownIfBranches(value, context.scope);
  if (open) {
    context.problems.push({
      where: context.where(path),
      message: `Fn::If on ${open.conditions.join(', ')}, known only at deployment: every branch is judged as attached`,
    });
    return open.branches.flatMap((branch) => grantList(branch, path, context));
  }
  const resolved = resolveIntrinsics(value, context.scope);
  if (resolved === NO_VALUE) return [];
  if (!Array.isArray(resolved)) return [unknown(path, resolved, 'expected a list')];
  return resolved.map((item, index) => asString(item) ?? unknown(`${path}[${index}]`, item, 'not a string'));
}

function readString(value: unknown, path: string, context: ReadContext): string | undefined {
  if (value === undefined) return undefined;
  const resolved = resolveIntrinsics(value, context.scope);
  if (resolved === NO_VALUE) return undefined;
  const text = asString(resolved);
  if (text === undefined) {
    context.problems.push({ where: context.where(path), message: describeUnresolved(resolved, 'not a string') });
  }
  return text;
}

function asString(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}

function describeUnresolved(value: unknown, fallback: string): string {
  return value instanceof Unresolved ? `cannot resolve: ${value.reason}` : fallback;
}

/**
 * A principal's tags, and the keys whose values only deployment knows (`*` when the whole list is unknown): the
 * agent tag may be among them, and the rules take such a principal as an agent, the worst case for the agent
 * invariant.
 */
function readTags(value: unknown, context: ReadContext): { tags: Record<string, string>; unknownKeys: string[] } {
  const tags: Record<string, string> = {};
  const unknownKeys: string[] = [];
  if (value === undefined) return { tags, unknownKeys };
  const resolved = resolveIntrinsics(value, context.scope);
  if (!Array.isArray(resolved)) {
    // Never silently tagless: an agent or production tag may be among them.
    context.problems.push({
      where: context.where('Tags'),
      message: `${describeUnresolved(resolved, 'expected a list of tags')}; every tag left out`,
    });
    return { tags, unknownKeys: ['*'] };
  }
  resolved.forEach((tag, index) => {
    const key = asString((tag as { Key?: unknown } | null)?.Key);
    const tagValue = asString((tag as { Value?: unknown } | null)?.Value);
    if (key !== undefined && tagValue !== undefined) {
      tags[key] = tagValue;
      return;
    }
    unknownKeys.push(key ?? '*');
    context.problems.push({
      where: context.where(`Tags[${index}]`),
      message: `${describeUnresolved((tag as { Value?: unknown })?.Value, 'malformed tag')}; tag left out`,
    });
  });
  return { tags, unknownKeys };
}

/**
 * A resource with tags and an ARN the template fixes (a name given, or one CloudFormation generates from the
 * stack), with the tags it gives it; undefined when either is not known before deployment. Its tags are read
 * quietly: the change gate reports tags it cannot resolve.
 */
function taggedResource(
  logicalId: string,
  resource: TemplateResource,
  scope: ResolveScope,
): { arn: string; tags: Record<string, string> } | undefined {
  const given = resource.Properties?.Tags;
  if (given === undefined) return undefined;
  const resolved = resolveIntrinsics(given, scope);
  const tags: Record<string, string> = {};
  // A list of {Key, Value} for most types, a map for a few (SSM parameters, SAM).
  const entries: [unknown, unknown][] = Array.isArray(resolved)
    ? resolved.map((tag) => [(tag as { Key?: unknown } | null)?.Key, (tag as { Value?: unknown } | null)?.Value])
    : resolved && typeof resolved === 'object' && !containsUnresolved(resolved)
      ? Object.entries(resolved as Record<string, unknown>)
      : [];
  for (const [key, value] of entries) {
    if (typeof key !== 'string' || typeof value !== 'string') return undefined;
    tags[key] = value;
  }
  if (Object.keys(tags).length === 0) return undefined;
  const arn = arnOf(logicalId, resource, scope);
  return typeof arn === 'string' ? { arn, tags } : undefined;
}

/**
 * Types whose policy documents are not resource policies that grant: IAM's own (read above), permission sets,
 * organization policies, IoT policies (for things), VPC endpoint policies (they only narrow), and resources
 * whose properties hold other templates or arbitrary input.
 */
const NOT_RESOURCE_POLICIES =
  /^(AWS::(IAM|SSO|Organizations|IoT|CloudFormation|Serverless)::|AWS::EC2::VPCEndpoint$|Custom::)/;

/** Property names that hold a resource policy: KeyPolicy, PolicyDocument, AccessPolicies, RepositoryPolicyText... */
const POLICY_PROPERTY = /Polic(y|ies)(Document|Text)?$/;

/** Property names that are always a resource policy document, whatever their value. */
const DOCUMENT_PROPERTY =
  /^(KeyPolicy|PolicyDocument|ResourcePolicy|AccessPolic(y|ies)|FileSystemPolicy|RepositoryPolicyText|PermissionsPolicyDocument|PolicyText|Policy)$/;

/** Policy resources that govern other resources: the property naming them, and how a value becomes an ARN. */
const POLICY_TARGETS: Record<string, { property: string; arn: (value: string, scope: ResolveScope) => string }> = {
  'AWS::S3::BucketPolicy': {
    property: 'Bucket',
    arn: (value, scope) => (value.startsWith('arn:') ? value : `arn:${scope.partition}:s3:::${value}`),
  },
  'AWS::SNS::TopicPolicy': { property: 'Topics', arn: (value) => value },
  'AWS::SQS::QueuePolicy': {
    property: 'Queues',
    // A queue URL, https://sqs.<region>.amazonaws.com/<account>/<name>, names arn:<partition>:sqs:<region>:<account>:<name>.
    arn: (value, scope) => {
      const url = /^https:\/\/sqs\.([^.]+)\.[^/]+\/(\d{12})\/([^/]+)$/.exec(value);
      return url ? `arn:${scope.partition}:sqs:${url[1]}:${url[2]}:${url[3]}` : value;
    },
  },
  'AWS::SecretsManager::ResourcePolicy': { property: 'SecretId', arn: (value) => value },
};

/**
 * The resource policies a resource holds (a key's KeyPolicy, a bucket policy, a table's ResourcePolicy...),
 * resolved like identity policies: an Allow that holds an unknown value is read as broader than written, and
 * said so. A policy it cannot read at all is a problem, never a policy that grants nothing unsaid.
 */
function readResourcePolicies(
  stack: TemplateStack,
  scope: ResolveScope,
  logicalId: string,
  resource: TemplateResource,
  problems: SnapshotProblem[],
): ResourcePolicy[] {
  if (NOT_RESOURCE_POLICIES.test(resource.Type) || !resource.Properties) return [];
  if (resource.Type === 'AWS::Lambda::Permission')
    return [lambdaPermission(stack, scope, logicalId, resource, problems)];
  const found: { path: string; value: unknown }[] = [];
  const walk = (value: unknown, path: string, depth: number, underPolicy: boolean): void => {
    if (depth > 6 || value === null || typeof value !== 'object') return;
    if (underPolicy && 'Statement' in value) {
      found.push({ path, value });
      return;
    }
    if (Array.isArray(value)) {
      value.forEach((item, index) => walk(item, `${path}[${index}]`, depth + 1, underPolicy));
      return;
    }
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      const isPolicy = POLICY_PROPERTY.test(key);
      const itemPath = path ? `${path}.${key}` : key;
      if (isPolicy && (typeof item === 'string' || isIntrinsic(item))) {
        // JSON text or a value to resolve: a policy when it holds statements, or, under a name that is always
        // a policy (not SslPolicy: "ELBSecurityPolicy-2016-08"), when only deployment knows it or it does not
        // read as one (then said so, never passed over).
        const resolved = jsonTextAsObject(item, scope);
        const unreadable = typeof resolved === 'string' || containsUnresolved(resolveIntrinsics(item, scope));
        if (
          (resolved && typeof resolved === 'object' && 'Statement' in resolved) ||
          (unreadable && DOCUMENT_PROPERTY.test(key))
        )
          found.push({ path: itemPath, value: item });
        continue;
      }
      walk(item, itemPath, depth + 1, underPolicy || isPolicy || key.startsWith('Fn::'));
    }
  };
  walk(resource.Properties, '', 0, false);
  if (found.length === 0) return [];
  const where = (path: string) => `${stack.file}: Resources.${logicalId}.Properties.${path}`;
  const context: ReadContext = { scope, problems, where };
  const resourceArns = governedArns(logicalId, resource, scope);
  return found.map(({ path, value }) => ({
    name: `${resource.Type} ${logicalId}${found.length > 1 ? ` ${path}` : ''}`,
    resourceArns,
    document: readPolicyDocument(jsonTextAsObject(value, scope), path, context),
    location: {
      file: stack.file,
      logicalId,
      cdkPath: cdkPathOf(stack, logicalId, resource),
      jsonPath: `Resources.${logicalId}.Properties.${path}`,
    },
  }));
}

/**
 * A Lambda permission is one statement of its function's policy, written as properties: Principal (an account,
 * an ARN, `*` or a service), Action, FunctionName, and the conditions SourceArn, SourceAccount and PrincipalOrgID.
 */
function lambdaPermission(
  stack: TemplateStack,
  scope: ResolveScope,
  logicalId: string,
  resource: TemplateResource,
  problems: SnapshotProblem[],
): ResourcePolicy {
  const properties = resource.Properties ?? {};
  const where = (path: string) => `${stack.file}: Resources.${logicalId}.Properties.${path}`;
  const context: ReadContext = { scope, problems, where };
  const functions = lambdaFunctionArns(properties.FunctionName, scope);
  const statement = lambdaPermissionStatement(
    properties,
    functions.length > 0 ? functions.flatMap((arn) => [arn, `${arn}:*`]) : '*',
    resolveIntrinsics(properties.Principal, scope),
  );
  return {
    name: `${resource.Type} ${logicalId}`,
    resourceArns: functions,
    // Problems name the property a statement field came from (Resource: FunctionName).
    document: readPolicyDocument({ Version: '2012-10-17', Statement: [statement] }, '', {
      ...context,
      where: (path) => {
        const field = path.replace(/^\.Statement\[0\]\.?/, '');
        return where(field === 'Resource' ? 'FunctionName' : field || 'Principal');
      },
    }),
    location: {
      file: stack.file,
      logicalId,
      cdkPath: cdkPathOf(stack, logicalId, resource),
      jsonPath: `Resources.${logicalId}.Properties`,
    },
  };
}

/** The function a Lambda permission names (a name, an ARN, a partial ARN, or a Ref / GetAtt of a function). */
function lambdaFunctionArns(value: unknown, scope: ResolveScope): string[] {
  const id = referencedId(value);
  const referenced = id === undefined ? undefined : scope.resources[id];
  const arn = referenced ? arnOf(id!, referenced, scope) : resolveIntrinsics(value, scope);
  if (arn instanceof Unresolved) return arn.pattern ? [arn.pattern] : [];
  if (typeof arn !== 'string') return [];
  if (arn.startsWith('arn:')) return [arn];
  const [account, name] = arn.includes(':function:') ? arn.split(':function:') : [scope.accountId, arn];
  return [`arn:${scope.partition}:lambda:${scope.region}:${account.split(':').pop()}:function:${name}`];
}

/** Where a statement's principal is written: a Lambda permission's is a property of its own. */
function principalPath(policy: ResourcePolicy, index: number): string {
  const path = policy.location?.jsonPath ?? '';
  return `${policy.location?.file}: ${path}${path.endsWith('.Properties') ? '.Principal' : `.Statement[${index}].Principal`}`;
}

/**
 * When no template says which account it deploys to, an account a resource policy names may be that account:
 * its principals are read as this account's (the placeholder's), so a grant to them is judged, not left out.
 */
function takeAccountsAsOwn(policy: ResourcePolicy, problems: SnapshotProblem[], accountId: string): void {
  const statements = (policy.document as { Statement?: unknown } | undefined)?.Statement;
  (Array.isArray(statements) ? statements : []).forEach((statement: unknown, index: number) => {
    const principal = (statement as { Principal?: unknown } | null)?.Principal as { AWS?: unknown } | undefined;
    if (!principal || typeof principal !== 'object' || principal.AWS === undefined) return;
    const taken = new Set<string>();
    const own = (written: unknown) => {
      // YAML reads an unquoted account id as a number.
      const value = typeof written === 'number' ? String(written) : written;
      if (typeof value !== 'string') return written;
      const named = awsPrincipal(value);
      const account = 'accountId' in named ? named.accountId : undefined;
      if (!account || account === accountId) return value;
      taken.add(account);
      return value.replace(account, accountId);
    };
    principal.AWS = Array.isArray(principal.AWS) ? principal.AWS.map(own) : own(principal.AWS);
    if (taken.size > 0) {
      problems.push({
        where: principalPath(policy, index),
        message:
          `account ${[...taken].join(', ')} is read as the account these templates deploy to, which they do not ` +
          'name (it may be another)',
      });
    }
  });
}

/** Stand-ins for the roles and users of `accountId` a resource policy names that no template defines. */
function addNamedStandIns(
  policy: ResourcePolicy,
  principals: PrincipalDraft[],
  problems: SnapshotProblem[],
  accountId: string,
): void {
  const statements = (policy.document as { Statement?: unknown } | undefined)?.Statement;
  (Array.isArray(statements) ? statements : []).forEach((statement: unknown, index: number) => {
    const { Effect, Principal } = (statement ?? {}) as { Effect?: unknown; Principal?: unknown };
    if (Effect !== 'Allow' || !Principal || typeof Principal !== 'object') return;
    const named = (Principal as { AWS?: unknown }).AWS;
    for (const value of Array.isArray(named) ? named : [named]) {
      // A pattern (an unresolved value widened) names no one principal to stand in for.
      const principal = typeof value === 'string' && !/[*?]/.test(value) ? awsPrincipal(value) : undefined;
      if (!principal || !('accountId' in principal) || principal.accountId !== accountId) continue;
      if (principal.kind === 'account') continue;
      const kind = principal.kind === 'user' ? 'user' : 'role';
      // A session names its role by name (no path); a role or user ARN carries its path.
      const name = principal.kind === 'role-session' ? principal.roleName : principal.name;
      const path = principal.kind === 'role-session' ? '/' : principal.path;
      const partition = (value as string).split(':')[1];
      // IAM names are unique regardless of case.
      const known = principals.some((p) => p.kind === kind && p.name.toLowerCase() === name.toLowerCase());
      if (known) continue;
      principals.push(
        newDraft({
          kind,
          arn: `arn:${partition}:iam::${accountId}:${kind}${path}${name}`,
          name,
          path,
          location: policy.location,
          definedElsewhere: true,
        }),
      );
      problems.push({
        where: principalPath(policy, index),
        message:
          `${policy.name} names ${kind} ${name}, which is not defined in these templates: judged by what these ` +
          'templates give it alone (its own policies, boundary and trust are unknown)',
      });
    }
  });
}

/** The ARNs of the resources a resource policy governs, as far as the templates tell (patterns included). */
function governedArns(logicalId: string, resource: TemplateResource, scope: ResolveScope): string[] {
  const target = POLICY_TARGETS[resource.Type];
  const arns: string[] = [];
  const keep = (arn: unknown) => {
    if (typeof arn === 'string') arns.push(arn);
    else if (arn instanceof Unresolved && arn.pattern) arns.push(arn.pattern);
  };
  if (!target) {
    keep(arnOf(logicalId, resource, scope));
    return arns;
  }
  const given = resource.Properties?.[target.property];
  for (const value of Array.isArray(given) ? given : [given]) {
    const id = referencedId(value);
    const referenced = id === undefined ? undefined : scope.resources[id];
    if (id !== undefined && referenced) {
      keep(arnOf(id, referenced, scope));
      continue;
    }
    const resolved = resolveIntrinsics(value, scope);
    if (typeof resolved === 'string') keep(target.arn(resolved, scope));
  }
  return arns;
}

type StatementField = 'Action' | 'NotAction' | 'Resource' | 'NotResource' | 'Principal' | 'NotPrincipal';

/**
 * Resolves a policy document and makes every statement that still holds an unknown value conservative:
 * an Allow is read as broader than written, a Deny as narrower, so the audit never under-reports access.
 * Each such decision is a snapshot problem naming the file, logical id and JSON path.
 */
function readPolicyDocument(value: unknown, path: string, context: ReadContext): unknown {
  let resolved = resolveIntrinsics(
    withConditionalStatements(withDecisiveParameters(value, path, context), path, context),
    context.scope,
  );
  if (typeof resolved === 'string') {
    // CloudFormation takes a policy document as JSON text too (often `!Sub` over a JSON string).
    try {
      resolved = JSON.parse(resolved) as unknown;
    } catch (err) {
      context.problems.push({
        where: context.where(path),
        message: `policy document is text that is not JSON (${(err as Error).message}); read as a policy no one can read`,
      });
      return resolved;
    }
  }
  if (!resolved || typeof resolved !== 'object' || resolved instanceof Unresolved) {
    context.problems.push({
      where: context.where(path),
      message: describeUnresolved(resolved, 'policy document is not an object'),
    });
    return { Version: '2012-10-17', Statement: [] };
  }
  const document = { ...(resolved as Record<string, unknown>) };
  const statements = Array.isArray(document.Statement)
    ? document.Statement
    : document.Statement
      ? [document.Statement]
      : [];
  const kept: unknown[] = [];
  statements.forEach((raw: unknown, index: number) => {
    const where = `${path}.Statement[${index}]`;
    if (!containsUnresolved(raw)) {
      kept.push(raw);
      return;
    }
    const statement = conservativeStatement(raw as Record<string, unknown>, (field, message) =>
      context.problems.push({ where: context.where(`${where}${field ? `.${field}` : ''}`), message }),
    );
    if (statement) kept.push(statement);
  });
  document.Statement = kept;
  // Anything still unknown (a Sid, a Version) becomes its pattern: the snapshot holds plain JSON only.
  return settle(document);
}

/** The fields that say what a statement is; the others (Resource, Condition) say where it applies. */
const DECISIVE_FIELDS = ['Effect', 'Action', 'NotAction'] as const;

/**
 * A template parameter that decides a statement's Effect, Action or NotAction is taken at whatever deployment may
 * give it, not at its default (`--parameter-overrides` may pass another): its AllowedValues where the field is the
 * parameter itself (an Effect that may be Allow is Allow), otherwise unknown, which readPolicyDocument reads at its
 * worst (an Allow covers no less, a Deny no more, than it may; an unknown Effect is an Allow). Said as a problem.
 * Parameters a parent stack passes are its values, not choices.
 */
function withDecisiveParameters(value: unknown, path: string, context: ReadContext): unknown {
  const { scope } = context;
  if (!isRecord(value) || Object.keys(scope.parameters).length === 0) return value;
  const passed = scope.parent ? Object.keys(scope.parameterValues ?? {}) : [];
  const choices = Object.keys(scope.parameters).filter((name) => !passed.includes(name));
  if (choices.length === 0) return value;
  const strict: ResolveScope = {
    ...scope,
    note: undefined,
    unknownParameters: new Set([...(scope.unknownParameters ?? []), ...choices]),
  };
  const quiet: ResolveScope = { ...scope, note: undefined };
  const written = value.Statement;
  const statements = Array.isArray(written) ? written : written !== undefined ? [written] : [];
  let changed = false;
  const read = statements.map((statement, index) => {
    if (!isRecord(statement)) return statement;
    const out: Record<string, unknown> = { ...statement };
    for (const field of DECISIVE_FIELDS) {
      if (!(field in statement)) continue;
      const chosen = resolveIntrinsics(statement[field], strict);
      if (!containsUnresolved(chosen) || containsUnresolved(resolveIntrinsics(statement[field], quiet))) continue;
      changed = true;
      // Every value it may take: the parameter's AllowedValues, or the branches of an Fn::If over parameters.
      const options = allowedValuesOf(statement[field], scope) ?? branchValues(statement[field], strict);
      if (options === undefined) {
        // An unknown value is said where it is read at its worst (conservativeStatement).
        out[field] = chosen;
        continue;
      }
      // Positive fields of an Allow, and Not-fields of a Deny, take every value they may; the others only the
      // values they hold whichever is taken. An Effect that may be anything but Deny is Allow (read first).
      const effect = typeof out.Effect === 'string' ? out.Effect : resolveIntrinsics(out.Effect, quiet);
      const grow = (effect === 'Deny') === field.startsWith('Not');
      out[field] =
        field === 'Effect'
          ? options.every((option) => option.length > 0 && option.every((value) => value === 'Deny'))
            ? 'Deny'
            : 'Allow'
          : grow
            ? [...new Set(options.flat())]
            : intersectionOf(options);
      context.problems.push({
        where: context.where(`${path}.Statement${Array.isArray(written) ? `[${index}]` : ''}.${field}`),
        message:
          'decided by a template parameter, which deployment may set to another value than its default: read as ' +
          `${JSON.stringify(out[field])}, ${field === 'Effect' || grow ? 'every value it may take' : 'what it holds whichever is taken'}`,
      });
    }
    return out;
  });
  if (!changed) return value;
  return { ...value, Statement: Array.isArray(written) ? read : read[0] };
}

/**
 * The values a field may take when it is literal strings and one `{Ref: P}` of a parameter that lists its
 * AllowedValues: one list per allowed value, with the literals beside it; undefined otherwise.
 */
function allowedValuesOf(field: unknown, scope: ResolveScope): string[][] | undefined {
  const items = Array.isArray(field) ? field : [field];
  const literals = items.filter((item): item is string => typeof item === 'string');
  const refs = items.filter((item) => typeof item !== 'string');
  if (refs.length !== 1) return undefined;
  const name = isRecord(refs[0]) && Object.keys(refs[0]).length === 1 ? refs[0].Ref : undefined;
  const parameter = typeof name === 'string' ? (scope.parameters[name] as { AllowedValues?: unknown }) : undefined;
  const allowed = parameter?.AllowedValues;
  if (!Array.isArray(allowed) || allowed.length === 0 || !allowed.every((v) => typeof v === 'string')) return undefined;
  return (allowed as string[]).map((value) => [...literals, value]);
}

/**
 * The values a field may take when every unknown in it is an `Fn::If` (the field itself, or items of its list)
 * whose branches are known: one list per branch of the first such item, each with what the other items hold
 * whichever branch they take. Undefined when anything else in it is unknown.
 */
function branchValues(field: unknown, scope: ResolveScope): string[][] | undefined {
  const alternatives: string[][][] = [];
  for (const item of Array.isArray(field) ? field : [field]) {
    const options = itemBranches(item, scope, 0);
    if (options === undefined) return undefined;
    alternatives.push(options);
  }
  const varying = alternatives.findIndex((options) => options.length > 1);
  if (varying < 0) return [alternatives.flat(2)];
  const others = alternatives.filter((_, index) => index !== varying).flatMap(intersectionOf);
  return alternatives[varying].map((option) => [...option, ...others]);
}

/** The possible values of one item (each a list of strings); undefined when one is unknown. */
function itemBranches(item: unknown, scope: ResolveScope, depth: number): string[][] | undefined {
  const resolved = resolveIntrinsics(item, scope);
  if (resolved === NO_VALUE) return [[]];
  if (!containsUnresolved(resolved)) return stringsOf(resolved);
  if (depth >= 8 || !isRecord(item) || Object.keys(item).length !== 1 || !Array.isArray(item['Fn::If'])) {
    return undefined;
  }
  const [, yes, no] = item['Fn::If'] as unknown[];
  const a = itemBranches(yes, scope, depth + 1);
  const b = itemBranches(no, scope, depth + 1);
  return a && b ? [...a, ...b] : undefined;
}

function stringsOf(value: unknown): string[][] | undefined {
  if (typeof value === 'string') return [[value]];
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return [value as string[]];
  return undefined;
}

/** The values every option holds. */
function intersectionOf(options: readonly string[][]): string[] {
  return options.reduce((common, option) => common.filter((value) => option.includes(value)));
}

/**
 * A statement that is `Fn::If` on a condition only deployment knows may be either branch: each branch is read as
 * a statement of its own where it is an Allow (the Allow covers no less than it may) and left out where it is a
 * Deny (it may not apply); `AWS::NoValue` is nothing. Said as a problem with the statement's JSON path. Other
 * statements are left as written, for readPolicyDocument.
 */
function withConditionalStatements(value: unknown, path: string, context: ReadContext): unknown {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return value;
  const document = value as Record<string, unknown>;
  const written = document.Statement;
  const statements = Array.isArray(written) ? written : written !== undefined ? [written] : [];
  if (!statements.some((statement) => unknownIfBranches(statement, context.scope))) return value;
  const kept: unknown[] = [];
  statements.forEach((statement, index) => {
    const open = unknownIfBranches(statement, context.scope);
    if (!open) {
      kept.push(statement);
      return;
    }
    let allows = 0;
    let denies = 0;
    // A branch may be a list of statements (the whole Statement written as Fn::If): each is one of them.
    for (const branch of open.branches.flatMap((b) => (Array.isArray(b) ? b : [b]))) {
      const read = resolveIntrinsics(branch, context.scope);
      if (read === NO_VALUE) continue;
      if (read && typeof read === 'object' && (read as Record<string, unknown>).Effect === 'Deny') {
        denies++;
        continue;
      }
      allows++;
      kept.push(branch);
    }
    context.problems.push({
      where: context.where(`${path}.Statement${Array.isArray(written) ? `[${index}]` : ''}`),
      message:
        `Fn::If on condition ${[...new Set(open.conditions)].join(', ')}, unknown before deployment: ` +
        `${allows} branch(es) read as statements of their own (an Allow in either covers no less than it may)` +
        (denies > 0 ? `, ${denies} Deny branch(es) left out (it may not apply)` : ''),
    });
  });
  return { ...document, Statement: kept };
}

function settle(value: unknown): unknown {
  if (value instanceof Unresolved) return value.pattern ?? '*';
  if (Array.isArray(value)) return value.map(settle);
  if (value && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, item]) => [key, settle(item)]));
  }
  return value;
}

function conservativeStatement(
  statement: Record<string, unknown>,
  report: (field: string, message: string) => void,
): Record<string, unknown> | undefined {
  const deny = statement.Effect === 'Deny';
  const out: Record<string, unknown> = { ...statement };
  if (containsUnresolved(statement.Effect)) {
    report('Effect', `cannot resolve (${collectReasons(statement.Effect).join('; ')}); read as Allow, its worst`);
    out.Effect = 'Allow';
  }
  const widen = (unresolved: Unresolved) => unresolved.pattern ?? '*';
  const fields: StatementField[] = ['Action', 'NotAction', 'Resource', 'NotResource', 'Principal', 'NotPrincipal'];
  for (const field of fields) {
    if (!containsUnresolved(statement[field])) continue;
    // Positive fields of an Allow, and Not-fields of a Deny, grow; the others shrink.
    const grow = deny === field.startsWith('Not');
    const adjusted = adjustValues(statement[field], (unresolved) => (grow ? widen(unresolved) : undefined));
    const reasons = collectReasons(statement[field]).join('; ');
    report(
      field,
      grow
        ? `cannot resolve (${reasons}); read as ${JSON.stringify(adjusted)} so that the ${deny ? 'Deny covers no more' : 'Allow covers no less'} than it may`
        : `cannot resolve (${reasons}); the unknown entries are left out so that the ${deny ? 'Deny covers no more' : 'Allow covers no less'} than it may`,
    );
    if (isEmptyValue(adjusted)) {
      if (deny || !field.startsWith('Not')) {
        report(field, `statement dropped: no known ${field} entries remain`);
        return undefined;
      }
      delete out[field];
      out[field.slice(3)] = '*';
    } else {
      out[field] = adjusted;
    }
  }
  if (containsUnresolved(statement.Condition)) {
    const reasons = collectReasons(statement.Condition).join('; ');
    if (deny) {
      report('Condition', `cannot resolve (${reasons}); the Deny statement is left out (it may not apply)`);
      return undefined;
    }
    report(
      'Condition',
      `cannot resolve (${reasons}); the unknown condition keys are left out (the Allow may apply more widely)`,
    );
    const conditions: Record<string, Record<string, unknown>> = {};
    for (const [operator, keys] of Object.entries(
      (statement.Condition ?? {}) as Record<string, Record<string, unknown>>,
    )) {
      for (const [key, values] of Object.entries(keys ?? {})) {
        if (containsUnresolved(values)) continue;
        (conditions[operator] ??= {})[key] = values;
      }
    }
    if (Object.keys(conditions).length > 0) out.Condition = conditions;
    else delete out.Condition;
  }
  return out;
}

/** Replace or remove unknown entries in a string, list, or principal map. */
function adjustValues(value: unknown, replace: (unresolved: Unresolved) => string | undefined): unknown {
  if (value instanceof Unresolved) return replace(value);
  if (Array.isArray(value)) {
    return value.map((item) => adjustValues(item, replace)).filter((item) => item !== undefined && item !== NO_VALUE);
  }
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [key, item] of Object.entries(value)) {
      const adjusted = adjustValues(item, replace);
      if (!isEmptyValue(adjusted)) out[key] = adjusted;
    }
    return out;
  }
  return value;
}

function isEmptyValue(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (value && typeof value === 'object') return Object.keys(value).length === 0;
  return false;
}

function collectReasons(value: unknown, out: string[] = []): string[] {
  if (value instanceof Unresolved) {
    if (!out.includes(value.reason)) out.push(value.reason);
  } else if (Array.isArray(value)) value.forEach((item) => collectReasons(item, out));
  else if (value && typeof value === 'object') Object.values(value).forEach((item) => collectReasons(item, out));
  return out;
}
