// Reads one CloudFormation template (JSON, or YAML with the short-form intrinsic tags) and finds where a
// logical id is written in it, so findings can point at a line.
import { isAlias, isMap, isPair, isScalar, isSeq, parseDocument, type Document, type Node, type Tags } from 'yaml';
import { wrongKindHint } from '../util/file-kind';
import { MAX_JSON_DEPTH } from '../util/json-scan';
import { expandForEach } from './for-each';
import { InputError, lineColumn, parseJsonTextUnique, readTextFile } from '../util/read-input';

/** A parsed template and the text it came from. */
export interface TemplateFile {
  readonly file: string;
  readonly text: string;
  readonly template: CfnTemplate;
}

/** The parts of a template we read; everything else stays untyped. */
export interface CfnTemplate {
  readonly Resources?: Record<string, CfnResource>;
  readonly Parameters?: Record<string, { readonly Default?: unknown; readonly Type?: string }>;
  readonly Outputs?: Record<string, { readonly Value?: unknown; readonly Export?: { readonly Name?: unknown } }>;
  readonly [key: string]: unknown;
}

export interface CfnResource {
  readonly Type: string;
  readonly Properties?: Record<string, unknown>;
  readonly Metadata?: Record<string, unknown>;
  readonly DeletionPolicy?: string;
  readonly UpdateReplacePolicy?: string;
  readonly [key: string]: unknown;
}

/**
 * Short-form tags and the long form they stand for. `!GetAtt a.b` is the one whose scalar form needs
 * splitting; `!Condition` is the only one that is not an `Fn::` function.
 */
const SHORT_TAGS: Readonly<Record<string, string>> = {
  '!Ref': 'Ref',
  '!Condition': 'Condition',
  '!Base64': 'Fn::Base64',
  '!Cidr': 'Fn::Cidr',
  '!FindInMap': 'Fn::FindInMap',
  '!GetAtt': 'Fn::GetAtt',
  '!GetAZs': 'Fn::GetAZs',
  '!ImportValue': 'Fn::ImportValue',
  '!Join': 'Fn::Join',
  '!Select': 'Fn::Select',
  '!Split': 'Fn::Split',
  '!Sub': 'Fn::Sub',
  '!Transform': 'Fn::Transform',
  '!And': 'Fn::And',
  '!Equals': 'Fn::Equals',
  '!If': 'Fn::If',
  '!Not': 'Fn::Not',
  '!Or': 'Fn::Or',
  '!Length': 'Fn::Length',
  '!ToJsonString': 'Fn::ToJsonString',
};

export function readTemplateFile(file: string): TemplateFile {
  const text = readTextFile(file);
  return parseTemplateText(text, file);
}

/** JSON when the file looks like JSON, YAML otherwise (CloudFormation accepts both under any name). */
export function parseTemplateText(text: string, file: string): TemplateFile {
  const trimmed = text.trimStart();
  let value = trimmed.startsWith('{') ? parseJsonTextUnique(text, file) : parseYamlTemplate(text, file);
  // `aws cloudformation get-template` output saved whole: the template is its TemplateBody.
  const body = (value as { TemplateBody?: unknown } | null)?.TemplateBody;
  if (body !== undefined && !(value as { Resources?: unknown }).Resources) {
    if (typeof body === 'string') return { ...parseTemplateText(body, `${file} (TemplateBody)`), file };
    value = body;
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(`${file}: expected a CloudFormation template (an object with Resources)`);
  }
  // Fn::ForEach (AWS::LanguageExtensions) written out as CloudFormation writes it out: the gate judges the
  // resources the loops make, or the template is refused where their items are not fixed by it.
  const template = expandForEach(value as Record<string, unknown>, file);
  const resources = template.Resources;
  if (resources === null || typeof resources !== 'object' || Array.isArray(resources)) {
    throw new InputError(
      `${file}: Resources: expected an object of resources${wrongKindHint(value, file, ['cloudformation-template'])}`,
    );
  }
  for (const [logicalId, resource] of Object.entries(resources as Record<string, unknown>)) {
    // AWS::Include (or another macro) in place of resources: what it adds is only known at deployment.
    if (logicalId === 'Fn::Transform') {
      throw new InputError(
        `${file}: Resources.Fn::Transform: a macro adds these resources at deployment, so leash check cannot judge them; judge this stack with --change-set instead`,
      );
    }
    const type = (resource as { Type?: unknown } | null)?.Type;
    if (typeof type !== 'string') {
      throw new InputError(`${file}: Resources.${logicalId}.Type: expected a resource type string`);
    }
  }
  checkParameters((template as { Parameters?: unknown }).Parameters, file);
  return { file, text, template: template as CfnTemplate };
}

/**
 * Parameters as CloudFormation requires them (each an object with a `Type` string): the gate reads their types
 * and defaults to resolve `Ref`, and one of another shape must stop the check here, naming it.
 */
function checkParameters(parameters: unknown, file: string): void {
  if (parameters === undefined || parameters === null) return;
  if (typeof parameters !== 'object' || Array.isArray(parameters)) {
    throw new InputError(`${file}: Parameters: expected an object of parameters`);
  }
  for (const [name, parameter] of Object.entries(parameters as Record<string, unknown>)) {
    if (!parameter || typeof parameter !== 'object' || Array.isArray(parameter)) {
      throw new InputError(`${file}: Parameters.${name}: expected a parameter object (with Type)`);
    }
    if (typeof (parameter as { Type?: unknown }).Type !== 'string') {
      throw new InputError(`${file}: Parameters.${name}.Type: expected a parameter type string, e.g. "String"`);
    }
  }
}

function parseYamlTemplate(text: string, file: string): unknown {
  let doc: Document;
  try {
    // CloudFormation reads YAML 1.1 (`yes`/`off` are booleans, `010` is octal), the gate must read the same
    // values: else `DeletionProtection: yes` changed to `false` is no change to it.
    doc = parseDocument(text, {
      version: '1.1',
      merge: false,
      customTags: cloudFormationYamlTags,
      uniqueKeys: true,
      prettyErrors: false,
    });
  } catch (err) {
    // The YAML parser recurses per nesting level: text nested thousands deep overflows its stack.
    if (err instanceof RangeError) throw new InputError(`${file}: YAML nested too deeply to read`);
    throw err;
  }
  if (doc.errors.length > 0) {
    const first = doc.errors[0];
    const { line, column } = lineColumn(text, first.pos[0]);
    const where = `${file}:${line}:${column}`;
    throw new InputError(`${where}: invalid YAML: ${first.message.split('\n')[0]}`);
  }
  const context: YamlContext = { doc, text, file, aliases: 0, values: 0, depth: 0, expanding: new Set() };
  return toTemplateValue(context, doc.contents);
}

/** Tags of the YAML 1.1 schema CloudFormation does not support, so a `2012-10-17` stays a string. */
const UNSUPPORTED_YAML_TAGS = new Set(
  ['binary', 'merge', 'omap', 'pairs', 'set', 'timestamp'].map((name) => `tag:yaml.org,2002:${name}`),
);

/** YAML 1.1 booleans as YAML parsers in practice read them: yes/no/on/off, but `y` and `n` are strings. */
function cloudFormationYamlTags(tags: Tags): Tags {
  return tags.flatMap((tag) => {
    if (typeof tag === 'string' || UNSUPPORTED_YAML_TAGS.has(tag.tag)) return [];
    if (tag.tag !== 'tag:yaml.org,2002:bool' || !('test' in tag) || !tag.test) return [tag];
    return [{ ...tag, test: new RegExp(tag.test.source.replace(/^\^\(\?:[YN]\|[yn]\|/, '^(?:')) }];
  });
}

/**
 * Limits on what aliases may expand to: a template has no use for more, and "billion laughs" (aliases of
 * aliases) would otherwise take minutes and gigabytes. Values: at least 1,000,000, or 20 per character.
 */
export const MAX_YAML_ALIASES = 1000;
const maxYamlValues = (text: string) => Math.max(1_000_000, text.length * 20);

interface YamlContext {
  readonly doc: Document;
  readonly text: string;
  readonly file: string;
  aliases: number;
  values: number;
  depth: number;
  /** Nodes being expanded through an alias: one met again refers to itself. */
  readonly expanding: Set<unknown>;
}

function yamlLimit(context: YamlContext, node: unknown, message: string): InputError {
  const { line, column } = lineColumn(context.text, (node as Node)?.range?.[0] ?? 0);
  return new InputError(`${context.file}:${line}:${column}: ${message}`);
}

/** Converts YAML nodes to the JSON form of the template, expanding short tags to their long form. */
function toTemplateValue(context: YamlContext, node: unknown): unknown {
  if (node === null || node === undefined) return null;
  if (++context.values > maxYamlValues(context.text)) {
    throw yamlLimit(context, node, `YAML aliases expand to more than ${maxYamlValues(context.text)} values`);
  }
  if (isAlias(node)) {
    if (++context.aliases > MAX_YAML_ALIASES) {
      throw yamlLimit(context, node, `more than ${MAX_YAML_ALIASES} YAML aliases`);
    }
    const target = node.resolve(context.doc);
    if (target === undefined) throw yamlLimit(context, node, `YAML alias *${node.source} refers to no anchor`);
    if (context.expanding.has(target)) throw yamlLimit(context, node, `YAML alias *${node.source} refers to itself`);
    context.expanding.add(target);
    try {
      return toTemplateValue(context, target);
    } finally {
      context.expanding.delete(target);
    }
  }
  if (context.depth >= MAX_JSON_DEPTH)
    throw yamlLimit(context, node, `YAML nested more than ${MAX_JSON_DEPTH} levels deep`);
  context.depth++;
  try {
    return toTemplateNode(context, node);
  } finally {
    context.depth--;
  }
}

function toTemplateNode(context: YamlContext, node: unknown): unknown {
  const tag = (node as Node).tag;
  const intrinsic = tag && tag.startsWith('!') ? SHORT_TAGS[tag] : undefined;
  if (tag && tag.startsWith('!') && !tag.startsWith('tag:') && !intrinsic) {
    const valueAt = (node as Node).range?.[0] ?? 0;
    const tagAt = context.text.lastIndexOf(tag, valueAt);
    const offset = tagAt >= 0 ? tagAt : valueAt;
    const { line, column } = lineColumn(context.text, offset);
    throw new InputError(`${context.file}:${line}:${column}: unknown CloudFormation tag ${tag}`);
  }
  let value: unknown;
  if (isScalar(node)) {
    value = node.value;
    if (intrinsic === 'Fn::GetAtt' && typeof value === 'string') {
      const dot = value.indexOf('.');
      value = dot < 0 ? [value] : [value.slice(0, dot), value.slice(dot + 1)];
    }
    if (intrinsic && (value === null || value === undefined)) value = '';
  } else if (isSeq(node)) {
    value = node.items.map((item) => toTemplateValue(context, item));
  } else if (isMap(node)) {
    const out: Record<string, unknown> = {};
    for (const pair of node.items) {
      if (!isPair(pair)) continue;
      const key = isScalar(pair.key) ? String(pair.key.value) : String(toTemplateValue(context, pair.key));
      out[key] = toTemplateValue(context, pair.value);
    }
    value = out;
  } else {
    value = node;
  }
  return intrinsic ? { [intrinsic]: value } : value;
}

/**
 * Line and column where a resource's logical id is written, for SARIF regions. A text search is enough:
 * the first `LogicalId:` key after the `Resources` key (JSON quotes it, YAML usually does not).
 */
export function locateLogicalId(text: string, logicalId: string): { line: number; column: number } | undefined {
  const resourcesAt = /(^|\n)\s*"?Resources"?\s*:/.exec(text);
  const from = resourcesAt ? resourcesAt.index : 0;
  const escaped = logicalId.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const pattern = new RegExp(`(["']?)${escaped}\\1\\s*:`, 'g');
  pattern.lastIndex = from;
  for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
    const before = match.index === 0 ? '\n' : text[match.index - 1];
    if (/[\s{,]/.test(before)) {
      const { line, column } = lineColumn(text, match.index);
      return { line, column };
    }
  }
  return locateLoopOutput(text, from, logicalId);
}

/**
 * A logical id an Fn::ForEach loop wrote is in the text only as the loop's output key (`Topic${Name}`,
 * `Topic&{Name}`): the first such key after `Resources` that can write it.
 */
function locateLoopOutput(text: string, from: number, logicalId: string): { line: number; column: number } | undefined {
  const keys = /(["']?)([A-Za-z0-9]*(?:[$&]\{[A-Za-z0-9]+\}[A-Za-z0-9]*)+)\1\s*:/g;
  keys.lastIndex = from;
  for (let match = keys.exec(text); match; match = keys.exec(text)) {
    const shape = match[2]
      .split(/[$&]\{[A-Za-z0-9]+\}/)
      .map((literal) => literal.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
      .join('[A-Za-z0-9]*');
    if (new RegExp(`^${shape}$`).test(logicalId)) return lineColumn(text, match.index);
  }
  return undefined;
}
