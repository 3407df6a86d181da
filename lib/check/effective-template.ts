// What a template deploys, resource by resource: conditions decided (a resource whose condition is false does
// not exist), and Fn::If, Fn::FindInMap, parameters (their defaults, noted as an assumption), Fn::Sub and
// Fn::Join written out. Two templates compared in this form show a change made through a condition, a mapping
// or a parameter default as a change of the resource itself. What only deployment knows (a parameter without
// a default, an SSM parameter type, a dynamic reference) is recorded as not visible, never guessed.
// An account or Region the stack does not name is a placeholder for values (the same on both sides), but a
// condition on it is not decided by the placeholder: it differs from one environment to the next. So with a
// parameter's default: it gives values, but a condition on the parameter is decided per deployment.
import {
  containsUnresolved,
  NO_VALUE,
  PARAMETER_OVERRIDABLE,
  resolveIntrinsics,
  Unresolved,
  type ResolveScope,
} from '../audit/sources/templates-intrinsics';
import { parametersIn } from './production-tag';
import type { CfnResource, CfnTemplate } from './template-file';

/** What the template alone cannot tell about one resource. */
export interface ResourceNotes {
  /** Assumptions made, e.g. `parameter Env read as its default "production"`. */
  readonly assumed: string[];
  /** Deploy-time values, e.g. `Properties.TableName: parameter Name has no default`. */
  readonly invisible: string[];
}

export interface EffectiveTemplate {
  readonly resources: Readonly<Record<string, CfnResource>>;
  readonly notes: ReadonlyMap<string, ResourceNotes>;
  /**
   * Resources whose condition depends on the account, Region or stack name, which the template does not
   * give: kept (they exist somewhere), with the condition's definition, so a comparison can tell whether
   * the environments they exist in changed.
   */
  readonly perEnvironment: ReadonlyMap<string, string>;
}

/** Who the stack is: the same identity is used for both sides of a comparison, so names resolve alike. */
export interface StackIdentity {
  readonly stackName: string;
  readonly accountId: string;
  readonly region: string;
  /** Pseudo parameters above that are placeholders (`AWS::AccountId` when no account is known, ...). */
  readonly unknownPseudoParameters?: readonly string[];
  /**
   * Accounts and Regions the two templates name (mapping keys, values conditions compare with): a value
   * that reads the environment is written out for each, so an edit for any of them shows.
   */
  readonly environments?: readonly string[];
}

/** A condition is true, false, undecided (`undefined`), or decided by the environment alone. */
type ConditionState = boolean | 'environment' | undefined;

interface Scopes {
  /** Pseudo parameters unknown: conditions on them stay undecided. */
  readonly strict: ResolveScope;
  /** Pseudo parameters as placeholders: for values, which resolve alike on both sides. */
  readonly loose: ResolveScope;
  /** The placeholders (and parameters deployment may set) given each environment the templates name, in turn. */
  readonly environments: readonly { readonly name: string; readonly scope: ResolveScope }[];
}

const DYNAMIC_REFERENCE = /\{\{resolve:(ssm|ssm-secure|secretsmanager):[^}]*\}\}/;

export function effectiveTemplate(
  template: CfnTemplate,
  identity: StackIdentity,
  parentValues?: { readonly values: Readonly<Record<string, unknown>>; readonly scope: ResolveScope },
): EffectiveTemplate {
  let current: ResourceNotes = { assumed: [], invisible: [] };
  const loose: ResolveScope = {
    ...scopeOf(template, identity),
    parameterValues: parentValues?.values,
    parent: parentValues?.scope,
    note: (message) => {
      if (!current.assumed.includes(message)) current.assumed.push(message);
    },
  };
  const unknown = identity.unknownPseudoParameters ?? [];
  // A default is what deployment uses only when no value is passed: a condition on a parameter is decided per
  // deployment, like one on the account. Read as the default, a resource that exists only where production
  // passes Env=production would vanish from both sides, and deleting it would pass unseen.
  // A value a parent passes from a parameter of its own is as open as that parameter.
  const fromParent = (name: string) =>
    parentValues !== undefined &&
    name in parentValues.values &&
    !parametersIn(parentValues.values[name]).some((read) => read in parentValues.scope.parameters);
  const overridable = Object.keys(loose.parameters).filter((name) => !fromParent(name));
  // One environment: the unknown pseudo parameters, and every parameter deployment may set, given `name`
  // (passed as a parent stack passes values, so the template's own defaults stay out of it).
  const pinnedTo = (name: string): ResolveScope => ({
    ...loose,
    ...(unknown.length > 0 ? { accountId: name, region: name, stackName: name } : {}),
    parameterValues: {
      ...parentValues?.values,
      ...Object.fromEntries(overridable.map((parameter) => [parameter, name])),
    },
    parent: parentValues?.scope ?? loose,
  });
  const scopes: Scopes = {
    loose,
    strict:
      unknown.length > 0 || overridable.length > 0
        ? { ...loose, unknownPseudoParameters: new Set(unknown), unknownParameters: new Set(overridable) }
        : loose,
    environments:
      unknown.length > 0 || overridable.length > 0
        ? (identity.environments ?? []).map((name) => ({ name, scope: pinnedTo(name) }))
        : [],
  };
  const resources: Record<string, CfnResource> = {};
  const notes = new Map<string, ResourceNotes>();
  const perEnvironment = new Map<string, string>();
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    current = { assumed: [], invisible: [] };
    const { Condition: written, ...rest } = resource as CfnResource & { Condition?: unknown };
    const condition = conditionAttribute(written, scopes);
    let exists: ConditionState = true;
    if (condition !== undefined) {
      exists = typeof condition === 'string' ? conditionState(condition, scopes) : undefined;
      if (exists === undefined) {
        const shown = typeof condition === 'string' ? condition : JSON.stringify(written);
        current.invisible.push(`Condition ${shown}: whether the resource exists is decided at deployment`);
      }
      if (exists === 'environment') perEnvironment.set(logicalId, conditionDefinition(String(condition), scopes));
    }
    if (exists !== false) {
      resources[logicalId] = partial(rest, scopes, '', current) as CfnResource;
    }
    if (current.assumed.length > 0 || current.invisible.length > 0) notes.set(logicalId, current);
  }
  return { resources, notes, perEnvironment };
}

/**
 * A resource's Condition attribute: a condition name, or (AWS::LanguageExtensions) an intrinsic that gives one,
 * such as Fn::FindInMap with a DefaultValue of `Ref AWS::NoValue`, which leaves the resource without a condition.
 * An intrinsic the template does not decide is returned as written, and the resource's existence stays unknown.
 */
function conditionAttribute(written: unknown, scopes: Scopes): unknown {
  if (written === undefined || typeof written === 'string') return written;
  const resolved = resolveIntrinsics(written, scopes.strict);
  if (resolved === NO_VALUE) return undefined;
  return typeof resolved === 'string' ? resolved : written;
}

/** The scope the resources of a template resolve in (for a nested stack's parameters, from its parent). */
export function scopeOf(template: CfnTemplate, identity: StackIdentity): ResolveScope {
  const asRecord = (value: unknown) => (value && typeof value === 'object' ? (value as Record<string, never>) : {});
  return {
    stackName: identity.stackName,
    accountId: identity.accountId,
    region: identity.region,
    partition: 'aws',
    resources: template.Resources ?? {},
    parameters: asRecord(template.Parameters),
    mappings: asRecord(template.Mappings),
    conditions: asRecord(template.Conditions),
    exports: new Map(),
  };
}

/** Decided, or decided only by the environment (undecided without it, decided with the placeholders). */
function conditionState(name: string, scopes: Scopes): ConditionState {
  if (!(name in scopes.strict.conditions)) return undefined;
  const value = resolveIntrinsics({ Condition: name }, scopes.strict);
  if (typeof value === 'boolean') return value;
  if (scopes.strict === scopes.loose) return undefined;
  return typeof resolveIntrinsics({ Condition: name }, scopes.loose) === 'boolean' ? 'environment' : undefined;
}

/**
 * What a condition says, with the conditions it names written out and the parameter values and mappings
 * it reads: two templates whose definitions are equal decide it alike in every environment.
 */
function conditionDefinition(name: string, scopes: Scopes): string {
  const { conditions, mappings } = scopes.loose;
  const parameters = new Set<string>();
  let readsMappings = false;
  const expand = (value: unknown, depth: number): unknown => {
    if (depth > 40 || value === null || typeof value !== 'object') return value;
    if (Array.isArray(value)) return value.map((item) => expand(item, depth + 1));
    const entries = Object.entries(value as Record<string, unknown>);
    const [key, argument] = entries[0] ?? [];
    if (entries.length === 1 && key === 'Condition' && typeof argument === 'string' && argument in conditions) {
      return expand(conditions[argument], depth + 1);
    }
    if (entries.length === 1 && key === 'Ref' && typeof argument === 'string') parameters.add(argument);
    if (key === 'Fn::FindInMap') readsMappings = true;
    return Object.fromEntries(entries.map(([k, item]) => [k, expand(item, depth + 1)]));
  };
  const definition = expand(conditions[name], 0);
  const values = [...parameters]
    .filter((parameter) => parameter in scopes.loose.parameters)
    .map((parameter) => [parameter, resolveIntrinsics({ Ref: parameter }, scopes.loose)]);
  return JSON.stringify({ definition, parameters: values, mappings: readsMappings ? mappings : undefined });
}

const WRITE_OUT = new Set([
  'Fn::FindInMap',
  'Fn::Sub',
  'Fn::Join',
  'Fn::Select',
  'Fn::Split',
  'Fn::ToJsonString',
  'Fn::Length',
]);

/** Resolves what the template decides; leaves references to other resources for the diff to judge. */
/**
 * AWS::NoValue where it is kept inside a function that stays written (a branch of an undecided Fn::If, the
 * argument of an Fn::Sub): written as such, since the marker is no value a diff can compare (the library's
 * deepEqual turned it into a number and threw). Lists and objects drop it instead, as deployment does.
 */
function written(value: unknown): unknown {
  return value === NO_VALUE ? { Ref: 'AWS::NoValue' } : value;
}

function partial(value: unknown, scopes: Scopes, path: string, notes: ResourceNotes): unknown {
  const scope = scopes.loose;
  if (typeof value === 'string') {
    if (DYNAMIC_REFERENCE.test(value)) {
      notes.invisible.push(`${path}: dynamic reference ${DYNAMIC_REFERENCE.exec(value)?.[0]} is read at deployment`);
    }
    return value;
  }
  if (Array.isArray(value)) {
    return value
      .map((item, index) => partial(item, scopes, `${path}[${index}]`, notes))
      .filter((item) => item !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [name, argument] = entries[0];
    if (name === 'Ref' && typeof argument === 'string') return partialRef(argument, value, scope, path, notes);
    if (name === 'Fn::If' && Array.isArray(argument) && argument.length === 3) {
      const condition = typeof argument[0] === 'string' ? argument[0] : undefined;
      const decided = condition !== undefined ? conditionState(condition, scopes) : undefined;
      if (typeof decided === 'boolean') return partial(decided ? argument[1] : argument[2], scopes, path, notes);
      const branches = argument.slice(1).map((branch) => written(partial(branch, scopes, path, notes)));
      // Both branches are kept, with what the condition says: a branch or the condition edited is a change.
      if (decided === 'environment') {
        return { 'Fn::If': [`${condition} ${conditionDefinition(condition as string, scopes)}`, ...branches] };
      }
      notes.invisible.push(`${path}: Fn::If on condition ${String(argument[0])}, decided at deployment`);
      return { 'Fn::If': [argument[0], ...branches] };
    }
    if (WRITE_OUT.has(name)) {
      const resolved = resolveIntrinsics(value, scopes.strict);
      if (!containsUnresolved(resolved)) return resolved;
      const placeholder = resolveIntrinsics(value, scope);
      if (!containsUnresolved(placeholder)) return perEnvironment(value, placeholder, scopes);
      const reasons = unresolvedReasons(resolved);
      for (const reason of reasons) {
        const onCondition = /^(?:Fn::If on condition|condition) (\S+?),? unknown/.exec(reason)?.[1];
        if (onCondition && conditionState(onCondition, scopes) === 'environment') continue;
        // A default the value was read with is an assumption already noted, not a value deployment hides.
        if (reason.includes(PARAMETER_OVERRIDABLE)) continue;
        if (/parameter|SSM|NotificationARNs|Fn::If on condition|condition .* unknown/.test(reason)) {
          notes.invisible.push(`${path}: ${reason}`);
        }
      }
      return { [name]: written(partial(argument, scopes, path, notes)) };
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const resolved = partial(item, scopes, path ? `${path}.${key}` : key, notes);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
}

/**
 * A value that reads the account, Region, stack name or a parameter deployment may set: the placeholder's value
 * when every environment the templates name gives the same, else the value in each, so that an edit for any
 * one of them is a change.
 */
function perEnvironment(value: unknown, placeholder: unknown, scopes: Scopes): unknown {
  const each: Record<string, unknown> = {};
  let differs = false;
  for (const { name, scope } of scopes.environments) {
    const resolved = resolveIntrinsics(value, scope);
    each[name] = containsUnresolved(resolved) ? unresolvedReasons(resolved).join('; ') : resolved;
    differs ||= JSON.stringify(each[name]) !== JSON.stringify(placeholder);
  }
  return differs ? { 'Fn::PerEnvironment': { '(other)': placeholder, ...each } } : placeholder;
}

function partialRef(name: string, original: unknown, scope: ResolveScope, path: string, notes: ResourceNotes): unknown {
  if (name === 'AWS::NoValue') return NO_VALUE;
  const parameter = scope.parameters[name];
  if (!parameter) return original;
  const passedByParent = scope.parameterValues !== undefined && name in scope.parameterValues;
  if (!passedByParent && String(parameter.Type ?? '').startsWith('AWS::SSM::Parameter')) {
    notes.invisible.push(`${path}: parameter ${name} is read from SSM Parameter Store at deployment`);
    return original;
  }
  const resolved = resolveIntrinsics(original, scope);
  if (containsUnresolved(resolved)) {
    notes.invisible.push(`${path}: parameter ${name} (${unresolvedReasons(resolved).join('; ')})`);
    return original;
  }
  return resolved;
}

function unresolvedReasons(value: unknown): string[] {
  if (value instanceof Unresolved) return value.reason.split('; ');
  if (Array.isArray(value)) return value.flatMap(unresolvedReasons);
  if (value && typeof value === 'object') return Object.values(value).flatMap(unresolvedReasons);
  return [];
}
