// The IAM role the SAM transform (AWS::Serverless-2016-10-31) makes for a function or state machine that names no
// `Role`: `<LogicalId>Role`, holding what the resource's Policies property says (managed policy names and ARNs,
// inline statements, SAM policy templates) plus the policies SAM adds itself (basic execution, X-Ray, VPC, the
// event sources it polls, a dead-letter queue). It is handed to the template reader as the AWS::IAM::Role SAM
// writes, so intrinsics, tags and the boundary are read as for any role. Facts from the SAM translator's source
// (sam_resources.py, role_constructor.py, resource_policies.py, pull.py; Apache License 2.0).
import samPolicyTemplates from './sam-policy-templates.json';
import { isIntrinsic, isRecord, type TemplateResource } from './templates-intrinsics';

export const SAM_FUNCTION = 'AWS::Serverless::Function';
export const SAM_STATE_MACHINE = 'AWS::Serverless::StateMachine';
export const SAM_GRAPHQL_API = 'AWS::Serverless::GraphQLApi';

/** What the reader is handed for one SAM resource: the role SAM makes, and the grants nobody can read. */
export interface SamRole {
  /** `<LogicalId>Role`, as SAM names it. */
  readonly logicalId: string;
  /** The AWS::IAM::Role the transform writes (ManagedPolicyArns, Policies, Path, PermissionsBoundary, Tags). */
  readonly resource: TemplateResource;
  /**
   * Policies entries whose grant only the transform knows (a policy template without a parameter, an entry of no
   * kind SAM accepts): each is kept as a policy no one can read, which the rules take at its worst.
   */
  readonly unknownGrants: readonly { readonly name: string; readonly path: string; readonly reason: string }[];
  /** What the transform adds to the role that is not read, by JSON path under the resource's Properties. */
  readonly notRead: readonly { readonly path: string; readonly message: string }[];
}

interface PolicyTemplate {
  readonly parameters: readonly string[];
  readonly statements: readonly unknown[];
}

const TEMPLATES = (samPolicyTemplates as { templates: Record<string, PolicyTemplate> }).templates;

/** The managed policies the event sources SAM polls for a function add to its role (pull.py). */
const EVENT_SOURCE_POLICIES: Readonly<Record<string, string>> = {
  Kinesis: 'service-role/AWSLambdaKinesisExecutionRole',
  DynamoDB: 'service-role/AWSLambdaDynamoDBExecutionRole',
  SQS: 'service-role/AWSLambdaSQSQueueExecutionRole',
  MSK: 'service-role/AWSLambdaMSKExecutionRole',
};

/** Event sources whose statements SAM writes into the role (secrets, networking) and leash does not read. */
const UNREAD_EVENT_SOURCES = new Set(['MQ', 'SelfManagedKafka', 'DocumentDB']);

/** The dead-letter queue actions SAM grants a function's role, by queue type. */
const DEAD_LETTER_ACTIONS: Readonly<Record<string, string>> = { SQS: 'sqs:SendMessage', SNS: 'sns:Publish' };

/** Function properties the `Globals` section can give every function (the rest must be on the function). */
const FUNCTION_GLOBALS = ['PermissionsBoundary', 'RolePath', 'AssumeRolePolicyDocument', 'Tracing', 'VpcConfig'];

function awsManagedArn(name: string): unknown {
  return { 'Fn::Sub': `arn:\${AWS::Partition}:iam::aws:policy/${name}` };
}

function trustFor(service: string): unknown {
  return {
    Version: '2012-10-17',
    Statement: [{ Action: ['sts:AssumeRole'], Effect: 'Allow', Principal: { Service: [service] } }],
  };
}

function isNoValue(value: unknown): boolean {
  return isRecord(value) && value.Ref === 'AWS::NoValue';
}

type EntryKind = 'managed' | 'statement' | 'template' | 'unknown';

/** How SAM reads one Policies entry (resource_policies.py _get_type). */
function kindOf(entry: unknown): EntryKind {
  if (typeof entry === 'string') return 'managed';
  if (isRecord(entry) && Array.isArray(entry['Fn::If']) && entry['Fn::If'].length === 3) {
    const [, yes, no] = entry['Fn::If'] as unknown[];
    const a = kindOf(yes);
    const b = kindOf(no);
    if (a === b) return a;
    if (isNoValue(yes)) return b;
    if (isNoValue(no)) return a;
    return 'unknown';
  }
  if (isIntrinsic(entry)) return 'managed';
  if (isRecord(entry) && 'Statement' in entry) return 'statement';
  if (isRecord(entry) && Object.keys(entry).length === 1 && Object.keys(entry)[0] in TEMPLATES) return 'template';
  return 'unknown';
}

/** Every `{"Ref": <parameter>}` of a template's statements replaced by the value given for it. */
function substitute(value: unknown, values: Readonly<Record<string, unknown>>): unknown {
  if (Array.isArray(value)) return value.map((item) => substitute(item, values));
  if (!isRecord(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === 'Ref' && typeof value.Ref === 'string' && value.Ref in values) {
    return values[value.Ref];
  }
  return Object.fromEntries(keys.map((key) => [key, substitute(value[key], values)]));
}

/** A policy template expanded with its parameter values, or why it cannot be (SAM refuses the template then). */
function expandTemplate(entry: Record<string, unknown>): { document: unknown } | { reason: string } {
  const [name] = Object.keys(entry);
  const template = TEMPLATES[name];
  const given = entry[name];
  if (!isRecord(given)) {
    return { reason: `SAM policy template ${name} needs an object of parameter values` };
  }
  const missing = template.parameters.filter((parameter) => !(parameter in given));
  if (missing.length > 0) {
    return { reason: `SAM policy template ${name} lacks parameter ${missing.join(', ')}: the transform refuses it` };
  }
  const values = Object.fromEntries(template.parameters.map((parameter) => [parameter, given[parameter]]));
  return { document: { Statement: substitute(template.statements, values) } };
}

/** The ARN SAM gives a managed policy name: an AWS managed policy it knows by name, else the text as written. */
function managedArn(entry: unknown, arnOfName: (name: string) => string | undefined): unknown {
  if (typeof entry !== 'string') return entry;
  if (entry.startsWith('arn:')) return entry;
  const arn = arnOfName(entry);
  return arn === undefined ? entry : { 'Fn::Sub': arn.replace(/^arn:aws:/, 'arn:${AWS::Partition}:') };
}

/** Function properties with the template's `Globals.Function` under them (Tags merged key by key, as SAM does). */
function withGlobals(properties: Record<string, unknown>, globals: unknown): Record<string, unknown> {
  if (!isRecord(globals)) return properties;
  const merged: Record<string, unknown> = { ...properties };
  for (const key of FUNCTION_GLOBALS) {
    if (merged[key] === undefined && globals[key] !== undefined) merged[key] = globals[key];
  }
  if (isRecord(globals.Tags)) merged.Tags = { ...globals.Tags, ...(isRecord(properties.Tags) ? properties.Tags : {}) };
  return merged;
}

/**
 * The role SAM makes for a function or state machine, or undefined when the resource names its own `Role` (that
 * role is read where it is defined) or is of another type. `globals` is the template's `Globals` section;
 * `arnOfName` resolves an AWS managed policy's name to its ARN (SAM's bundled name map).
 */
export function samExecutionRole(
  logicalId: string,
  resource: TemplateResource,
  globals: unknown,
  arnOfName: (name: string) => string | undefined,
): SamRole | undefined {
  const isFunction = resource.Type === SAM_FUNCTION;
  if (!isFunction && resource.Type !== SAM_STATE_MACHINE) return undefined;
  const own = isRecord(resource.Properties) ? resource.Properties : {};
  if (own.Role !== undefined) return undefined;
  const properties = isFunction ? withGlobals(own, isRecord(globals) ? globals.Function : undefined) : own;
  const roleId = `${logicalId}Role`;

  const managed: unknown[] = [];
  const inline: unknown[] = [];
  const unknownGrants: { name: string; path: string; reason: string }[] = [];
  const notRead: { path: string; message: string }[] = [];
  if (isFunction) {
    managed.push(
      awsManagedArn(
        properties.DurableConfig !== undefined
          ? 'service-role/AWSLambdaBasicDurableExecutionRolePolicy'
          : 'service-role/AWSLambdaBasicExecutionRole',
      ),
    );
    if (properties.Tracing !== undefined && properties.Tracing !== 'Disabled') {
      managed.push(awsManagedArn('AWSXrayWriteOnlyAccess'));
    }
    if (properties.VpcConfig !== undefined) managed.push(awsManagedArn('service-role/AWSLambdaVPCAccessExecutionRole'));
    for (const [name, event] of isRecord(properties.Events) ? Object.entries(properties.Events) : []) {
      const type = isRecord(event) && typeof event.Type === 'string' ? event.Type : undefined;
      if (type && EVENT_SOURCE_POLICIES[type]) managed.push(awsManagedArn(EVENT_SOURCE_POLICIES[type]));
      if (type && UNREAD_EVENT_SOURCES.has(type)) {
        notRead.push({
          path: `Events.${name}`,
          message: `the statements SAM adds to ${roleId} for a ${type} event source (reading its secret, networking) are not read`,
        });
      }
    }
    const queue = properties.DeadLetterQueue;
    if (isRecord(queue) && typeof queue.Type === 'string' && DEAD_LETTER_ACTIONS[queue.Type]) {
      inline.push({
        PolicyName: 'DeadLetterQueuePolicy',
        PolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Action: DEAD_LETTER_ACTIONS[queue.Type], Resource: queue.TargetArn, Effect: 'Allow' }],
        },
      });
    }
  } else if (isRecord(properties.Tracing) && properties.Tracing.Enabled === true) {
    managed.push(awsManagedArn('AWSXrayWriteOnlyAccess'));
  }

  const given = properties.Policies;
  const entries = given === undefined ? [] : Array.isArray(given) ? given : [given];
  entries.forEach((entry, index) => {
    const name = `${roleId}Policy${index}`;
    const path = Array.isArray(given) ? `Policies[${index}]` : 'Policies';
    const unknown = (reason: string) => unknownGrants.push({ name, path, reason });
    const document = (value: unknown): unknown => {
      if (kindOf(value) === 'statement') return value;
      const expanded = expandTemplate(value as Record<string, unknown>);
      if ('reason' in expanded) {
        unknown(expanded.reason);
        return undefined;
      }
      return expanded.document;
    };
    switch (kindOf(entry)) {
      case 'managed':
        if (isRecord(entry) && Array.isArray(entry['Fn::If'])) {
          const [condition, yes, no] = entry['Fn::If'] as unknown[];
          const arn = (value: unknown) => (isNoValue(value) ? value : managedArn(value, arnOfName));
          managed.push({ 'Fn::If': [condition, arn(yes), arn(no)] });
        } else {
          managed.push(managedArn(entry, arnOfName));
        }
        return;
      case 'statement':
      case 'template': {
        if (isRecord(entry) && Array.isArray(entry['Fn::If'])) {
          const [condition, yes, no] = entry['Fn::If'] as unknown[];
          const branch = (value: unknown) => {
            if (isNoValue(value)) return value;
            const policy = document(value);
            return policy === undefined ? { Ref: 'AWS::NoValue' } : { PolicyName: name, PolicyDocument: policy };
          };
          inline.push({ 'Fn::If': [condition, branch(yes), branch(no)] });
          return;
        }
        const policy = document(entry);
        if (policy !== undefined) inline.push({ PolicyName: name, PolicyDocument: policy });
        return;
      }
      case 'unknown':
        unknown(
          'not a managed policy name or ARN, a policy document with Statement, or a SAM policy template leash ' +
            'knows: the transform refuses it, or it is a template newer than leash',
        );
    }
  });

  const tags = isRecord(properties.Tags)
    ? Object.entries(properties.Tags).map(([Key, Value]) => ({ Key, Value }))
    : properties.Tags;
  const role: Record<string, unknown> = {
    AssumeRolePolicyDocument:
      isFunction && properties.AssumeRolePolicyDocument !== undefined
        ? properties.AssumeRolePolicyDocument
        : trustFor(isFunction ? 'lambda.amazonaws.com' : 'states.amazonaws.com'),
    ManagedPolicyArns: managed,
    ...(inline.length > 0 ? { Policies: inline } : {}),
    ...(properties.RolePath !== undefined ? { Path: properties.RolePath } : {}),
    ...(properties.PermissionsBoundary !== undefined ? { PermissionsBoundary: properties.PermissionsBoundary } : {}),
    ...(tags !== undefined ? { Tags: tags } : {}),
  };
  return {
    logicalId: roleId,
    resource: {
      Type: 'AWS::IAM::Role',
      Properties: role,
      ...(resource.Metadata ? { Metadata: resource.Metadata } : {}),
    },
    unknownGrants,
    notRead,
  };
}
