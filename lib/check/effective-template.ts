// What a template deploys, resource by resource: conditions decided (a resource whose condition is false does
// not exist), and Fn::If, Fn::FindInMap, parameters (their defaults, noted as an assumption), Fn::Sub and
// Fn::Join written out. Two templates compared in this form show a change made through a condition, a mapping
// or a parameter default as a change of the resource itself. What only deployment knows (a parameter without
// a default, an SSM parameter type, a dynamic reference) is recorded as not visible, never guessed.
import {
  containsUnresolved,
  NO_VALUE,
  resolveIntrinsics,
  Unresolved,
  type ResolveScope,
} from '../audit/sources/templates-intrinsics';
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
}

/** Who the stack is: the same identity is used for both sides of a comparison, so names resolve alike. */
export interface StackIdentity {
  readonly stackName: string;
  readonly accountId: string;
  readonly region: string;
}

const DYNAMIC_REFERENCE = /\{\{resolve:(ssm|ssm-secure|secretsmanager):[^}]*\}\}/;

export function effectiveTemplate(
  template: CfnTemplate,
  identity: StackIdentity,
  parentValues?: { readonly values: Readonly<Record<string, unknown>>; readonly scope: ResolveScope },
): EffectiveTemplate {
  let current: ResourceNotes = { assumed: [], invisible: [] };
  const scope: ResolveScope = {
    ...scopeOf(template, identity),
    parameterValues: parentValues?.values,
    parent: parentValues?.scope,
    note: (message) => {
      if (!current.assumed.includes(message)) current.assumed.push(message);
    },
  };
  const resources: Record<string, CfnResource> = {};
  const notes = new Map<string, ResourceNotes>();
  for (const [logicalId, resource] of Object.entries(template.Resources ?? {})) {
    current = { assumed: [], invisible: [] };
    const { Condition: condition, ...rest } = resource as CfnResource & { Condition?: unknown };
    let exists: boolean | undefined = true;
    if (condition !== undefined) {
      exists = typeof condition === 'string' ? conditionValue(condition, scope) : undefined;
      if (exists === undefined) {
        current.invisible.push(`Condition ${String(condition)}: whether the resource exists is decided at deployment`);
      }
    }
    if (exists !== false) {
      resources[logicalId] = partial(rest, scope, '', current) as CfnResource;
    }
    if (current.assumed.length > 0 || current.invisible.length > 0) notes.set(logicalId, current);
  }
  return { resources, notes };
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

function conditionValue(name: string, scope: ResolveScope): boolean | undefined {
  if (!(name in scope.conditions)) return undefined;
  const value = resolveIntrinsics({ Condition: name }, scope);
  return typeof value === 'boolean' ? value : undefined;
}

const WRITE_OUT = new Set(['Fn::FindInMap', 'Fn::Sub', 'Fn::Join', 'Fn::Select', 'Fn::Split', 'Fn::ToJsonString']);

/** Resolves what the template decides; leaves references to other resources for the diff to judge. */
function partial(value: unknown, scope: ResolveScope, path: string, notes: ResourceNotes): unknown {
  if (typeof value === 'string') {
    if (DYNAMIC_REFERENCE.test(value)) {
      notes.invisible.push(`${path}: dynamic reference ${DYNAMIC_REFERENCE.exec(value)?.[0]} is read at deployment`);
    }
    return value;
  }
  if (Array.isArray(value)) {
    return value
      .map((item, index) => partial(item, scope, `${path}[${index}]`, notes))
      .filter((item) => item !== NO_VALUE);
  }
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value as Record<string, unknown>);
  if (entries.length === 1) {
    const [name, argument] = entries[0];
    if (name === 'Ref' && typeof argument === 'string') return partialRef(argument, value, scope, path, notes);
    if (name === 'Fn::If' && Array.isArray(argument) && argument.length === 3) {
      const decided = typeof argument[0] === 'string' ? conditionValue(argument[0], scope) : undefined;
      if (decided !== undefined) return partial(decided ? argument[1] : argument[2], scope, path, notes);
      notes.invisible.push(`${path}: Fn::If on condition ${String(argument[0])}, decided at deployment`);
      return { 'Fn::If': [argument[0], ...argument.slice(1).map((branch) => partial(branch, scope, path, notes))] };
    }
    if (WRITE_OUT.has(name)) {
      const resolved = resolveIntrinsics(value, scope);
      if (!containsUnresolved(resolved)) return resolved;
      for (const reason of unresolvedReasons(resolved)) {
        if (/parameter|SSM|NotificationARNs|Fn::If on condition|condition .* unknown/.test(reason)) {
          notes.invisible.push(`${path}: ${reason}`);
        }
      }
      return { [name]: partial(argument, scope, path, notes) };
    }
  }
  const out: Record<string, unknown> = {};
  for (const [key, item] of entries) {
    const resolved = partial(item, scope, path ? `${path}.${key}` : key, notes);
    if (resolved !== NO_VALUE) out[key] = resolved;
  }
  return out;
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
