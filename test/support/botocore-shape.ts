// Checks a value against a shape of an AWS API model in botocore's JSON form (the model the AWS CLI and SDKs are
// generated from): structures with their required and known members only, lists, maps, strings with their enums,
// patterns and lengths, numbers and booleans. Every departure is returned with its path.
import { existsSync, readdirSync, readFileSync } from 'node:fs';

interface ShapeRef {
  readonly shape: string;
}
interface Shape {
  readonly type: string;
  readonly required?: readonly string[];
  readonly members?: Readonly<Record<string, ShapeRef>>;
  readonly member?: ShapeRef;
  readonly key?: ShapeRef;
  readonly value?: ShapeRef;
  readonly enum?: readonly string[];
  readonly pattern?: string;
  readonly min?: number;
  readonly max?: number;
}
export interface ServiceModel {
  readonly metadata: { readonly apiVersion: string };
  readonly shapes: Readonly<Record<string, Shape>>;
}

/** Debian's python3-botocore installs the models here (`.ci/run` installs it). */
export function loadBotocoreModel(service: string): { model: ServiceModel; file: string } | undefined {
  const root = `/usr/lib/python3/dist-packages/botocore/data/${service}`;
  if (!existsSync(root)) return undefined;
  const version = readdirSync(root).sort().pop();
  const file = `${root}/${version}/service-2.json`;
  if (!existsSync(file)) return undefined;
  return { model: JSON.parse(readFileSync(file, 'utf8')) as ServiceModel, file };
}

export function checkShape(model: ServiceModel, shapeName: string, value: unknown, path = '$'): string[] {
  const shape = model.shapes[shapeName];
  if (!shape) return [`${path}: the model has no shape ${shapeName}`];
  const problems: string[] = [];
  const length = (n: number, what: string) => {
    if (shape.min !== undefined && n < shape.min) problems.push(`${path}: ${what} ${n} below min ${shape.min}`);
    if (shape.max !== undefined && n > shape.max) problems.push(`${path}: ${what} ${n} above max ${shape.max}`);
  };
  switch (shape.type) {
    case 'structure': {
      if (!value || typeof value !== 'object' || Array.isArray(value))
        return [`${path}: expected an object (${shapeName})`];
      const object = value as Record<string, unknown>;
      for (const name of shape.required ?? []) {
        if (object[name] === undefined) problems.push(`${path}: required member ${name} missing (${shapeName})`);
      }
      for (const [name, member] of Object.entries(object)) {
        const ref = shape.members?.[name];
        if (!ref) problems.push(`${path}: ${name} is not a member of ${shapeName}`);
        else problems.push(...checkShape(model, ref.shape, member, `${path}.${name}`));
      }
      return problems;
    }
    case 'list':
      if (!Array.isArray(value)) return [`${path}: expected a list (${shapeName})`];
      length(value.length, 'length');
      value.forEach((item, i) => problems.push(...checkShape(model, shape.member!.shape, item, `${path}[${i}]`)));
      return problems;
    case 'map':
      if (!value || typeof value !== 'object' || Array.isArray(value))
        return [`${path}: expected a map (${shapeName})`];
      for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
        problems.push(...checkShape(model, shape.key!.shape, key, `${path}{key ${key}}`));
        problems.push(...checkShape(model, shape.value!.shape, item, `${path}.${key}`));
      }
      return problems;
    case 'string':
      if (typeof value !== 'string') return [`${path}: expected a string (${shapeName})`];
      if (shape.enum && !shape.enum.includes(value))
        problems.push(`${path}: ${JSON.stringify(value)} not in ${shape.enum.join('|')}`);
      if (shape.pattern && !new RegExp(shape.pattern, 'u').test(value))
        problems.push(`${path}: does not match ${shape.pattern}`);
      length(value.length, 'length');
      return problems;
    case 'integer':
    case 'long':
      return Number.isInteger(value) ? [] : [`${path}: expected an integer (${shapeName})`];
    case 'double':
    case 'float':
      return typeof value === 'number' ? [] : [`${path}: expected a number (${shapeName})`];
    case 'boolean':
      return typeof value === 'boolean' ? [] : [`${path}: expected a boolean (${shapeName})`];
    case 'timestamp':
      return typeof value === 'string' && !Number.isNaN(Date.parse(value)) ? [] : [`${path}: expected a timestamp`];
    default:
      return [`${path}: shape type ${shape.type} not checked here (${shapeName})`];
  }
}
