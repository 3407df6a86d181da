// Resolves CloudFormation intrinsic functions far enough to read IAM policies out of a template. What
// cannot be known before deployment becomes an `Unresolved` value, never a guess that looks certain.
import { loadResourceModel } from './resource-spec';

/** A value only known at deploy time; `pattern` is the string with `*` where the unknown parts were. */
export class Unresolved {
  constructor(
    readonly reason: string,
    readonly pattern?: string,
  ) {}
}

/** `Ref: AWS::NoValue`: the property or list element is removed. */
export const NO_VALUE = Symbol('AWS::NoValue');

/** A JSON object (not an array or null): what a template's sections, resources and properties are. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** The logical id a `Ref` or `Fn::GetAtt` (list or `Id.Attribute` form) names; undefined for anything else. */
export function referencedId(value: unknown): string | undefined {
  if (!isRecord(value)) return undefined;
  if (typeof value.Ref === 'string') return value.Ref;
  const getAtt = value['Fn::GetAtt'];
  if (Array.isArray(getAtt) && typeof getAtt[0] === 'string') return getAtt[0];
  if (typeof getAtt === 'string') return getAtt.split('.')[0];
  return undefined;
}

/** A single-key object whose key is an intrinsic function (`Ref`, `Fn::...`): a value deployment works out. */
export function isIntrinsic(value: unknown): value is Record<string, unknown> {
  if (!isRecord(value)) return false;
  const keys = Object.keys(value);
  return keys.length === 1 && (keys[0] === 'Ref' || keys[0].startsWith('Fn::'));
}

export interface TemplateResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly [key: string]: unknown;
}

/** One template's view of the world, plus the exports of every other template loaded with it. */
export interface ResolveScope {
  readonly stackName: string;
  readonly accountId: string;
  readonly region: string;
  readonly partition: string;
  readonly resources: Readonly<Record<string, TemplateResource>>;
  readonly parameters: Readonly<Record<string, { readonly Default?: unknown; readonly Type?: string }>>;
  readonly mappings: Readonly<Record<string, unknown>>;
  readonly conditions: Readonly<Record<string, unknown>>;
  /** Export name → the value and the scope of the template that exports it. */
  readonly exports: ReadonlyMap<string, { readonly value: unknown; readonly scope: ResolveScope }>;
  /** Nested stacks: parameter values the parent passes in, resolved in the parent's scope. */
  readonly parameterValues?: Readonly<Record<string, unknown>>;
  readonly parent?: ResolveScope;
  /** Called once per assumption made (a parameter's default used for its value). */
  readonly note?: (message: string) => void;
  /** Pseudo parameters whose value above is only a placeholder: they resolve as unknown. */
  readonly unknownPseudoParameters?: ReadonlySet<string>;
  /**
   * Parameters whose default is not read as their value: deployment may pass another (`--parameter-overrides`),
   * so what is decided by them is decided per deployment.
   */
  readonly unknownParameters?: ReadonlySet<string>;
}

/** The reason an unknown pseudo parameter gives, so callers can tell it from an unknown parameter. */
export const PSEUDO_PARAMETER_UNKNOWN = 'is not known: the template does not say where the stack is deployed';

/** The reason a parameter in `unknownParameters` gives: its default is read for values, not for decisions. */
export const PARAMETER_OVERRIDABLE = 'may be given another value at deployment than its default';

const MAX_DEPTH = 40;

/** Resolve every intrinsic in `value`; the result is plain JSON with `Unresolved` where needed. */
export function resolveIntrinsics(value: unknown, scope: ResolveScope, depth = 0): unknown {
  if (depth > MAX_DEPTH) return new Unresolved('intrinsic functions nested too deeply');
  if (Array.isArray(value)) {
    return value.map((item) => resolveIntrinsics(item, scope, depth + 1)).filter((item) => item !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') return value;
  if (value instanceof Unresolved) return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [name, argument] = entries[0];
    // `{ Condition: Name }` refers to a template condition only when Name is one; an IAM statement's
    // `Condition` block is an ordinary key.
    const conditionRef = name === 'Condition' && typeof argument === 'string' && argument in scope.conditions;
    if (name === 'Ref' || name.startsWith('Fn::') || conditionRef) {
      return resolveFunction(name, argument, scope, depth + 1);
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const resolved = resolveIntrinsics(item, scope, depth + 1);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

function resolveFunction(name: string, argument: unknown, scope: ResolveScope, depth: number): unknown {
  switch (name) {
    case 'Ref':
      return typeof argument === 'string' ? resolveRef(argument, scope) : new Unresolved('Ref to a non-string');
    case 'Fn::GetAtt':
      return resolveGetAtt(argument, scope, depth);
    case 'Fn::Join':
      return resolveJoin(argument, scope, depth);
    case 'Fn::Sub':
      return resolveSub(argument, scope, depth);
    case 'Fn::Select': {
      if (!Array.isArray(argument) || argument.length !== 2) return new Unresolved('malformed Fn::Select');
      const index = Number(resolveIntrinsics(argument[0], scope, depth));
      const list = resolveIntrinsics(argument[1], scope, depth);
      if (!Array.isArray(list) || !Number.isInteger(index)) return new Unresolved('Fn::Select over an unknown list');
      return index >= 0 && index < list.length ? list[index] : new Unresolved('Fn::Select index out of range');
    }
    case 'Fn::Split': {
      if (!Array.isArray(argument) || argument.length !== 2) return new Unresolved('malformed Fn::Split');
      const source = resolveIntrinsics(argument[1], scope, depth);
      return typeof source === 'string' && typeof argument[0] === 'string'
        ? source.split(argument[0])
        : new Unresolved('Fn::Split of an unknown string');
    }
    case 'Fn::If': {
      if (!Array.isArray(argument) || argument.length !== 3) return new Unresolved('malformed Fn::If');
      const condition = evaluateCondition(argument[0], scope, depth);
      if (condition === undefined)
        return new Unresolved(`Fn::If on condition ${String(argument[0])}, unknown before deployment`);
      return resolveIntrinsics(condition ? argument[1] : argument[2], scope, depth);
    }
    case 'Fn::FindInMap': {
      if (!Array.isArray(argument) || argument.length < 3) return new Unresolved('malformed Fn::FindInMap');
      const keys = argument.slice(0, 3).map((key) => resolveIntrinsics(key, scope, depth));
      if (!keys.every((key) => typeof key === 'string')) return new Unresolved('Fn::FindInMap with an unknown key');
      const [map, top, second] = keys as string[];
      const found = [map, top, second].reduce<unknown>((at, key) => ownValue(at, key), scope.mappings);
      if (found !== undefined) return found;
      // AWS::LanguageExtensions: a fourth argument `{ DefaultValue: x }` is the value when the keys find none.
      const fallback = argument.length === 4 ? ownValue(argument[3], 'DefaultValue') : undefined;
      if (fallback !== undefined) return resolveIntrinsics(fallback, scope, depth);
      return new Unresolved(`Fn::FindInMap ${map}.${top}.${second} not found`);
    }
    case 'Fn::Length': {
      // AWS::LanguageExtensions: the number of items of a list.
      const list = resolveIntrinsics(argument, scope, depth);
      return Array.isArray(list) && !containsUnresolved(list)
        ? list.length
        : new Unresolved('Fn::Length of an unknown list');
    }
    case 'Fn::ImportValue': {
      const exportName = resolveIntrinsics(argument, scope, depth);
      if (typeof exportName !== 'string') return new Unresolved('Fn::ImportValue of an unknown export name');
      const exported = scope.exports.get(exportName);
      return exported
        ? resolveIntrinsics(exported.value, exported.scope, depth)
        : new Unresolved(`Fn::ImportValue "${exportName}" is exported by no template given`);
    }
    case 'Fn::ToJsonString': {
      const resolved = resolveIntrinsics(argument, scope, depth);
      return containsUnresolved(resolved)
        ? new Unresolved('Fn::ToJsonString of an unknown value')
        : JSON.stringify(resolved);
    }
    case 'Fn::Equals':
    case 'Fn::And':
    case 'Fn::Or':
    case 'Fn::Not': {
      const result = evaluateCondition({ [name]: argument }, scope, depth);
      return result === undefined ? new Unresolved(`${name} unknown before deployment`) : result;
    }
    case 'Condition': {
      const result = evaluateCondition(argument, scope, depth);
      return result === undefined ? new Unresolved(`condition ${String(argument)} unknown before deployment`) : result;
    }
    default:
      return new Unresolved(`${name} is not evaluated before deployment`);
  }
}

/** An object's own value at a key: a mapping named `constructor` is not one every object inherits. */
export function ownValue(value: unknown, key: string): unknown {
  return isRecord(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/** Placeholder for a physical name CloudFormation generates at deploy time. */
export function generatedName(scope: ResolveScope, logicalId: string): string {
  return `${scope.stackName}-${logicalId}`;
}

function resolveRef(name: string, scope: ResolveScope): unknown {
  if (scope.unknownPseudoParameters?.has(name)) return new Unresolved(`${name} ${PSEUDO_PARAMETER_UNKNOWN}`);
  switch (name) {
    case 'AWS::Partition':
      return scope.partition;
    case 'AWS::AccountId':
      return scope.accountId;
    case 'AWS::Region':
      return scope.region;
    case 'AWS::URLSuffix':
      return 'amazonaws.com';
    case 'AWS::StackName':
      return scope.stackName;
    case 'AWS::StackId':
      return `arn:${scope.partition}:cloudformation:${scope.region}:${scope.accountId}:stack/${scope.stackName}/*`;
    case 'AWS::NoValue':
      return NO_VALUE;
    case 'AWS::NotificationARNs':
      return new Unresolved('AWS::NotificationARNs is only known at deployment');
  }
  const parameter = scope.parameters[name];
  if (parameter && scope.unknownParameters?.has(name)) {
    return new Unresolved(`parameter ${name} ${PARAMETER_OVERRIDABLE}`);
  }
  if (parameter && scope.parent && scope.parameterValues && name in scope.parameterValues) {
    return resolveIntrinsics(scope.parameterValues[name], scope.parent);
  }
  if (parameter) {
    const type = parameter.Type ?? '';
    if (parameter.Default !== undefined && !type.startsWith('AWS::SSM::Parameter')) {
      scope.note?.(`parameter ${name} read as its default ${JSON.stringify(parameter.Default)}`);
      return type.startsWith('List<') || type === 'CommaDelimitedList'
        ? String(parameter.Default).split(',')
        : parameter.Default;
    }
    return new Unresolved(`parameter ${name} has no default`);
  }
  const resource = scope.resources[name];
  if (!resource) return new Unresolved(`Ref to ${name}, which is not in this template`);
  return refValue(name, resource, scope);
}

/** What `Ref` returns: the identifier the service spec names, as a name or an ARN. */
function refValue(logicalId: string, resource: TemplateResource, scope: ResolveScope): unknown {
  const model = loadResourceModel(resource.Type);
  const identifier = model?.cfnRefIdentifier ?? model?.primaryIdentifier;
  if (!model || !identifier || identifier.length !== 1) {
    return new Unresolved(`Ref to ${logicalId} (${resource.Type}) returns an id known only after deployment`);
  }
  const property = identifier[0];
  if (/Arn$/.test(property)) return arnOf(logicalId, resource, scope);
  if (/(Url|Id)$/.test(property) && !(property in (resource.Properties ?? {}))) {
    return new Unresolved(
      `Ref to ${logicalId} (${resource.Type}) returns its ${property}, known only after deployment`,
    );
  }
  return nameOf(logicalId, resource, scope, property);
}

function nameOf(logicalId: string, resource: TemplateResource, scope: ResolveScope, property?: string): unknown {
  const properties = resource.Properties ?? {};
  const candidates = property ? [property] : Object.keys(properties).filter((key) => /Name$/.test(key));
  for (const key of candidates) {
    if (properties[key] !== undefined) return resolveIntrinsics(properties[key], scope);
  }
  return generatedName(scope, logicalId);
}

/** An ARN from the service spec's ARN template, with names taken from the resource's properties. */
export function arnOf(logicalId: string, resource: TemplateResource, scope: ResolveScope): unknown {
  const model = loadResourceModel(resource.Type);
  const template = model?.arnTemplate;
  if (!template) return new Unresolved(`the ARN of ${logicalId} (${resource.Type}) is known only after deployment`);
  const properties = resource.Properties ?? {};
  const unknown: string[] = [];
  const arn = template.replace(/\$\{([^}]+)\}/g, (_match, variable: string) => {
    if (variable === 'Partition') return scope.partition;
    if (variable === 'Region') return scope.region;
    if (variable === 'Account') return scope.accountId;
    const withPath = /^(.*)WithPath$/.exec(variable);
    const key = propertyFor(withPath ? withPath[1] : variable, properties);
    const value = resolveIntrinsics(properties[key], scope);
    // CloudFormation makes up a name it is not given (stack-logicalId-suffix); an id (a key's KeyId, a
    // secret's suffix) is AWS's own, known only after deployment.
    const generated = /Name$/.test(withPath ? withPath[1] : variable);
    const name =
      typeof value === 'string'
        ? value
        : properties[key] === undefined && generated
          ? generatedName(scope, logicalId)
          : undefined;
    if (name === undefined) {
      unknown.push(key);
      return '*';
    }
    if (withPath) {
      const path = resolveIntrinsics(properties.Path, scope);
      return `${typeof path === 'string' ? path.replace(/^\//, '') : ''}${name}`;
    }
    return name;
  });
  return unknown.length > 0 ? new Unresolved(`${logicalId}.${unknown.join(', ')} is not known`, arn) : arn;
}

/**
 * The property an ARN template variable stands for: the same name, or one ending in it
 * (`PolicyName` → `ManagedPolicyName`), or its `Identifier` form (`DbInstanceName` → `DBInstanceIdentifier`).
 */
function propertyFor(variable: string, properties: Record<string, unknown>): string {
  const keys = Object.keys(properties);
  const lower = variable.toLowerCase();
  const identifier = lower.replace(/name$/, 'identifier');
  return (
    keys.find((key) => key === variable) ??
    keys.find((key) => key.toLowerCase() === lower || key.toLowerCase() === identifier) ??
    keys.find((key) => key.toLowerCase().endsWith(lower)) ??
    variable
  );
}

function resolveGetAtt(argument: unknown, scope: ResolveScope, depth: number): unknown {
  const parts = Array.isArray(argument) ? argument.map((part) => resolveIntrinsics(part, scope, depth)) : [];
  if (parts.length !== 2 || typeof parts[0] !== 'string' || typeof parts[1] !== 'string') {
    return new Unresolved('malformed Fn::GetAtt');
  }
  const [logicalId, attribute] = parts as [string, string];
  const resource = scope.resources[logicalId];
  if (!resource) return new Unresolved(`Fn::GetAtt ${logicalId}.${attribute}: ${logicalId} is not in this template`);
  const model = loadResourceModel(resource.Type);
  if (attribute === 'Arn' || (model?.arnTemplate && attribute === `${resource.Type.split('::')[2]}Arn`)) {
    return arnOf(logicalId, resource, scope);
  }
  if (/Name$/.test(attribute)) {
    const property = resource.Properties?.[attribute];
    if (property !== undefined) return resolveIntrinsics(property, scope, depth);
  }
  return new Unresolved(`Fn::GetAtt ${logicalId}.${attribute} is known only after deployment`);
}

function resolveJoin(argument: unknown, scope: ResolveScope, depth: number): unknown {
  if (!Array.isArray(argument) || argument.length !== 2 || typeof argument[0] !== 'string') {
    return new Unresolved('malformed Fn::Join');
  }
  const list = resolveIntrinsics(argument[1], scope, depth);
  if (list instanceof Unresolved) return new Unresolved(list.reason);
  if (!Array.isArray(list)) return new Unresolved('Fn::Join of something that is not a list');
  return concatenate(list, argument[0]);
}

/** Joins strings; unknown parts become `*` in the pattern and their reasons are kept. */
function concatenate(parts: readonly unknown[], delimiter: string): unknown {
  const reasons: string[] = [];
  const pattern = parts
    .map((part) => {
      if (part instanceof Unresolved) {
        reasons.push(part.reason);
        return part.pattern ?? '*';
      }
      if (typeof part === 'string' || typeof part === 'number' || typeof part === 'boolean') return String(part);
      reasons.push('a non-string value in a string');
      return '*';
    })
    .join(delimiter);
  return reasons.length > 0 ? new Unresolved(reasons.join('; '), pattern) : pattern;
}

function resolveSub(argument: unknown, scope: ResolveScope, depth: number): unknown {
  let text: unknown = argument;
  let variables: Record<string, unknown> = {};
  if (Array.isArray(argument)) {
    text = argument[0];
    const resolved = resolveIntrinsics(argument[1] ?? {}, scope, depth);
    if (resolved && typeof resolved === 'object' && !(resolved instanceof Unresolved)) {
      variables = resolved as Record<string, unknown>;
    }
  }
  if (typeof text !== 'string') return new Unresolved('malformed Fn::Sub');
  const parts: unknown[] = [];
  let last = 0;
  const pattern = /\$\{([^}]*)\}/g;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    parts.push(text.slice(last, match.index));
    last = match.index + match[0].length;
    const name = match[1].trim();
    if (name.startsWith('!')) {
      parts.push(`\${${name.slice(1)}}`);
    } else if (name in variables) {
      parts.push(variables[name]);
    } else if (name.includes('.') && !name.startsWith('AWS::')) {
      const dot = name.indexOf('.');
      parts.push(resolveGetAtt([name.slice(0, dot), name.slice(dot + 1)], scope, depth));
    } else {
      parts.push(resolveRef(name, scope));
    }
  }
  parts.push(text.slice(last));
  return concatenate(parts, '');
}

/**
 * The branches an `Fn::If` may take when its condition is known only at deployment (nested ones of the same kind
 * opened too), with the condition names it turns on; undefined when `value` is no such `Fn::If` (a known
 * condition is left to resolveIntrinsics, which takes its branch).
 */
export function unknownIfBranches(
  value: unknown,
  scope: ResolveScope,
): { readonly branches: unknown[]; readonly conditions: string[] } | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length !== 1 || entries[0][0] !== 'Fn::If') return undefined;
  const argument = entries[0][1];
  if (!Array.isArray(argument) || argument.length !== 3) return undefined;
  if (evaluateCondition(argument[0], scope, 0) !== undefined) return undefined;
  const branches: unknown[] = [];
  const conditions = [String(argument[0])];
  for (const branch of [argument[1], argument[2]]) {
    const inner = unknownIfBranches(branch, scope);
    if (inner) {
      branches.push(...inner.branches);
      conditions.push(...inner.conditions);
    } else branches.push(branch);
  }
  return { branches, conditions };
}

/** true / false, or undefined when the answer depends on something only known at deployment. */
function evaluateCondition(value: unknown, scope: ResolveScope, depth: number): boolean | undefined {
  if (depth > MAX_DEPTH) return undefined;
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string') {
    if (value === 'true' || value === 'false') return value === 'true';
    const named = scope.conditions[value];
    return named === undefined ? undefined : evaluateCondition(named, scope, depth + 1);
  }
  if (!value || typeof value !== 'object') return undefined;
  const [name, argument] = Object.entries(value as Record<string, unknown>)[0] ?? [];
  const list = Array.isArray(argument) ? argument : [];
  switch (name) {
    case 'Fn::Equals': {
      const [left, right] = list.map((item) => resolveIntrinsics(item, scope, depth + 1));
      if (containsUnresolved(left) || containsUnresolved(right)) return undefined;
      return JSON.stringify(left) === JSON.stringify(right) || String(left) === String(right);
    }
    case 'Fn::Not': {
      const inner = evaluateCondition(list[0], scope, depth + 1);
      return inner === undefined ? undefined : !inner;
    }
    case 'Fn::And':
    case 'Fn::Or': {
      const values = list.map((item) => evaluateCondition(item, scope, depth + 1));
      if (name === 'Fn::And' && values.includes(false)) return false;
      if (name === 'Fn::Or' && values.includes(true)) return true;
      return values.includes(undefined) ? undefined : name === 'Fn::And';
    }
    case 'Condition':
      return evaluateCondition(argument, scope, depth + 1);
    default:
      return undefined;
  }
}

export function containsUnresolved(value: unknown): boolean {
  if (value instanceof Unresolved) return true;
  if (Array.isArray(value)) return value.some(containsUnresolved);
  if (value && typeof value === 'object') return Object.values(value).some(containsUnresolved);
  return false;
}
