// Finds the templates `leash check` reads: a cloud assembly (cdk.out with its nested stacks and stages),
// a directory of templates, or template files; each comes back with what the assembly says about it.
import { existsSync, readdirSync, statSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import type { TemplateStack } from '../audit/sources/templates';
import { InputError, readJsonFile } from '../util/read-input';
import { readTemplateFile, type CfnTemplate } from './template-file';

/** A template and everything known about the stack it deploys. */
export interface LoadedStack extends TemplateStack {
  /** Identity used to pair a stack with its baseline: the stack name; `<parent>/<logicalId>` for nested stacks. */
  readonly key: string;
  /** For people: the assembly's display name (`Prod/Service`) or the file name. */
  readonly displayName: string;
  readonly text: string;
  readonly template: CfnTemplate;
  /** Stack-level tags from the assembly (CloudFormation puts them on every resource that takes tags). */
  readonly stackTags: Readonly<Record<string, string>>;
  /** Construct path of the stack, e.g. `/Prod/Service`, when read from an assembly. */
  readonly constructPath?: string;
  /** Logical id of the AWS::CloudFormation::Stack resource in the parent, for nested stacks. */
  readonly nestedIn?: { readonly parentKey: string; readonly logicalId: string };
}

const TEMPLATE_FILE = /\.(json|ya?ml|template)$/i;

export interface LoadOptions {
  /** A directory without templates is "nothing deployed yet" (for baselines) rather than an error. */
  readonly allowEmpty?: boolean;
}

/** Load every template named on the command line; directories are cloud assemblies or folders of templates. */
export function loadStacks(inputs: readonly string[], options: LoadOptions = {}): LoadedStack[] {
  if (inputs.length === 0) throw new InputError('name a cdk.out directory or template files');
  const stacks: LoadedStack[] = [];
  for (const input of inputs) {
    if (!existsSync(input)) throw new InputError(`${input}: no such file or directory`);
    if (statSync(input).isDirectory()) {
      if (existsSync(join(input, 'manifest.json'))) stacks.push(...loadAssembly(input));
      else stacks.push(...loadTemplateDirectory(input, options.allowEmpty === true));
    } else if (basename(input) === 'manifest.json') {
      stacks.push(...loadAssembly(dirname(input)));
    } else {
      stacks.push(loadTemplateOnly(input));
    }
  }
  const seen = new Map<string, string>();
  for (const stack of stacks) {
    const other = seen.get(stack.key);
    if (other)
      throw new InputError(`${stack.file}: stack ${stack.key} is also read from ${other}; give each stack once`);
    seen.set(stack.key, stack.file);
  }
  return stacks;
}

/**
 * A template file alone: the stack name is the file name without `.template.json` / `.yaml`. Its stack tags
 * come from `<stack>.tags.json` beside it when there is one (the deployed stack's tags, as
 * `aws cloudformation describe-stacks --query 'Stacks[0].Tags'` prints them): a template saved with
 * get-template carries none, and without them a production stack whose tag a pull request removes looks
 * like one that never had it.
 */
function loadTemplateOnly(file: string): LoadedStack {
  const parsed = readTemplateFile(file);
  const stackName = basename(file).replace(/(\.template)?\.(json|ya?ml|template)$/i, '');
  const tagsFile = join(dirname(file), `${stackName}${STACK_TAGS_SUFFIX}`);
  return {
    key: stackName,
    displayName: stackName,
    stackName,
    file,
    text: parsed.text,
    template: parsed.template,
    stackTags: existsSync(tagsFile) ? readStackTags(tagsFile) : {},
  };
}

const STACK_TAGS_SUFFIX = '.tags.json';

/** `[{ "Key": ..., "Value": ... }]` (describe-stacks), or `{}`/`null` for a stack without tags. */
function readStackTags(file: string): Record<string, string> {
  const value = readJsonFile(file);
  if (value === null) return {};
  if (!Array.isArray(value)) {
    throw new InputError(
      `${file}: expected the stack's tags as [{"Key": ..., "Value": ...}] (describe-stacks), or null`,
    );
  }
  const tags: Record<string, string> = {};
  value.forEach((tag, index) => {
    const { Key, Value } = (tag ?? {}) as { Key?: unknown; Value?: unknown };
    if (typeof Key !== 'string' || typeof Value !== 'string') {
      throw new InputError(`${file}: [${index}]: expected {"Key": string, "Value": string}`);
    }
    if (Object.prototype.hasOwnProperty.call(tags, Key))
      throw new InputError(`${file}: [${index}].Key: ${JSON.stringify(Key)} given twice`);
    tags[Key] = Value;
  });
  return tags;
}

function loadTemplateDirectory(directory: string, allowEmpty: boolean): LoadedStack[] {
  const files = readdirSync(directory)
    .filter((name) => TEMPLATE_FILE.test(name) && !/\.(assets|metadata|tags)\.json$/.test(name))
    .sort();
  if (files.length === 0 && !allowEmpty) {
    throw new InputError(`${directory}: no manifest.json (not a cdk.out) and no .json/.yaml templates`);
  }
  return files.map((name) => loadTemplateOnly(join(directory, name)));
}

interface ManifestArtifact {
  readonly type?: string;
  readonly environment?: string;
  readonly displayName?: string;
  readonly properties?: {
    readonly templateFile?: string;
    readonly stackName?: string;
    readonly tags?: Record<string, string>;
    readonly directoryName?: string;
    readonly file?: string;
  };
  readonly metadata?: Record<string, readonly MetadataEntry[]>;
  readonly additionalMetadataFile?: string;
}

interface MetadataEntry {
  readonly type: string;
  readonly data?: unknown;
}

/**
 * The artifact types of the cloud assembly schema (@aws-cdk/cloud-assembly-schema's ArtifactType; a test keeps
 * this list equal to it). Only stacks and nested assemblies hold templates; an artifact of a type not known here
 * could be a stack this version cannot read, so the check stops rather than pass over it.
 */
export const ARTIFACT_TYPES: ReadonlySet<string> = new Set([
  'none',
  'aws:cloudformation:stack',
  'cdk:tree',
  'cdk:asset-manifest',
  'cdk:cloud-assembly',
  'cdk:feature-flag-report',
]);

function checkArtifactType(manifestFile: string, artifactId: string, artifact: unknown): void {
  const type = (artifact as { type?: unknown } | null)?.type;
  if (typeof type === 'string' && ARTIFACT_TYPES.has(type)) return;
  throw new InputError(
    `${manifestFile}: artifacts.${artifactId}.type: ${JSON.stringify(type)} is no cloud assembly artifact type this ` +
      `version of leash knows (${[...ARTIFACT_TYPES].join(', ')}); it could hold a stack the check would pass over ` +
      '(a newer CDK: update agent-leash)',
  );
}

function loadAssembly(directory: string, depth = 0): LoadedStack[] {
  if (depth > 10) throw new InputError(`${directory}: cloud assemblies nested more than 10 deep`);
  const manifestFile = join(directory, 'manifest.json');
  const manifest = readJsonFile(manifestFile) as { artifacts?: Record<string, ManifestArtifact> };
  if (!manifest || typeof manifest !== 'object' || typeof manifest.artifacts !== 'object') {
    throw new InputError(`${manifestFile}: artifacts: expected the artifacts of a cloud assembly`);
  }
  const stacks: LoadedStack[] = [];
  for (const [artifactId, artifact] of Object.entries(manifest.artifacts ?? {})) {
    checkArtifactType(manifestFile, artifactId, artifact);
    if (artifact.type === 'cdk:cloud-assembly') {
      const nested = artifact.properties?.directoryName;
      if (typeof nested !== 'string' || nested === '') {
        throw new InputError(
          `${manifestFile}: artifacts.${artifactId}.properties.directoryName: missing (the nested assembly's directory)`,
        );
      }
      stacks.push(...loadAssembly(join(directory, nested), depth + 1));
    }
    if (artifact.type !== 'aws:cloudformation:stack') continue;
    const templateFile = artifact.properties?.templateFile;
    if (!templateFile)
      throw new InputError(`${manifestFile}: artifacts.${artifactId}.properties.templateFile: missing`);
    const metadata = readMetadata(directory, artifact);
    const stackName = artifact.properties?.stackName ?? artifactId;
    const environment = /^aws:\/\/([^/]+)\/(.+)$/.exec(artifact.environment ?? '');
    const accountId = environment && /^\d{12}$/.test(environment[1]) ? environment[1] : undefined;
    const region = environment && !environment[2].startsWith('unknown-') ? environment[2] : undefined;
    const file = join(directory, templateFile);
    const parsed = readTemplateFile(file);
    const constructPath = constructPathOf(metadata, templateFile);
    const stack: LoadedStack = {
      key: stackName,
      displayName: artifact.displayName ?? artifactId,
      stackName,
      file,
      text: parsed.text,
      template: parsed.template,
      stackTags: artifact.properties?.tags ?? {},
      constructPath,
      cdkPaths: logicalIdPaths(metadata, constructPath, templateFile),
      accountId,
      region,
    };
    stacks.push(
      stack,
      ...loadNestedStacks(directory, stack, metadata, assetPaths(directory, manifest.artifacts ?? {})),
    );
  }
  return stacks;
}

/** Construct path → metadata entries, from the manifest and the stack's additional metadata file. */
function readMetadata(directory: string, artifact: ManifestArtifact): Record<string, readonly MetadataEntry[]> {
  const metadata: Record<string, MetadataEntry[]> = {};
  const add = (source: Record<string, readonly MetadataEntry[]> | undefined) => {
    for (const [path, entries] of Object.entries(source ?? {})) {
      if (Array.isArray(entries)) (metadata[path] ??= []).push(...entries);
    }
  };
  add(artifact.metadata);
  if (artifact.additionalMetadataFile) {
    const file = join(directory, artifact.additionalMetadataFile);
    if (existsSync(file)) add(readJsonFile(file) as Record<string, readonly MetadataEntry[]>);
  }
  return metadata;
}

/** The construct path whose `aws:cdk:templateFile` entry names this template. */
function constructPathOf(metadata: Record<string, readonly MetadataEntry[]>, templateFile: string): string | undefined {
  for (const [path, entries] of Object.entries(metadata)) {
    if (entries.some((entry) => entry.type === 'aws:cdk:templateFile' && entry.data === templateFile)) return path;
  }
  return undefined;
}

/**
 * Logical id → construct path for the resources of one template. The metadata of a stack covers its nested
 * stacks too, so an entry belongs to the template whose construct path is its longest prefix.
 */
function logicalIdPaths(
  metadata: Record<string, readonly MetadataEntry[]>,
  constructPath: string | undefined,
  templateFile: string,
): Map<string, string> {
  const owners = Object.entries(metadata)
    .filter(([, entries]) => entries.some((entry) => entry.type === 'aws:cdk:templateFile'))
    .map(([path, entries]) => ({ path, file: entries.find((entry) => entry.type === 'aws:cdk:templateFile')?.data }));
  const paths = new Map<string, string>();
  for (const [path, entries] of Object.entries(metadata)) {
    const logicalId = entries.find((entry) => entry.type === 'aws:cdk:logicalId')?.data;
    if (typeof logicalId !== 'string') continue;
    const owner = owners
      .filter((candidate) => path.startsWith(`${candidate.path}/`))
      .sort((a, b) => b.path.length - a.path.length)[0];
    const belongs = owner ? owner.file === templateFile : constructPath === undefined;
    // Same form as the `aws:cdk:path` resource metadata: no leading slash.
    if (belongs) paths.set(logicalId, path.replace(/^\//, ''));
  }
  return paths;
}

/** Asset hash → file in the assembly, from every asset manifest (nested stack templates are file assets). */
function assetPaths(directory: string, artifacts: Record<string, ManifestArtifact>): Map<string, string> {
  const paths = new Map<string, string>();
  for (const artifact of Object.values(artifacts)) {
    if (artifact.type !== 'cdk:asset-manifest' || !artifact.properties?.file) continue;
    const file = join(directory, artifact.properties.file);
    if (!existsSync(file)) continue;
    const assets = readJsonFile(file) as { files?: Record<string, { source?: { path?: string } }> };
    for (const [hash, asset] of Object.entries(assets.files ?? {})) {
      if (asset.source?.path) paths.set(hash, asset.source.path);
    }
  }
  return paths;
}

function loadNestedStacks(
  directory: string,
  parent: LoadedStack,
  metadata: Record<string, readonly MetadataEntry[]>,
  assets: ReadonlyMap<string, string>,
  depth = 0,
): LoadedStack[] {
  const nested: LoadedStack[] = [];
  for (const [logicalId, resource] of Object.entries(parent.template.Resources ?? {})) {
    if (resource.Type !== 'AWS::CloudFormation::Stack') continue;
    const templateFile = nestedTemplateFile(resource, assets);
    const where = `${parent.file}: Resources.${logicalId}.Properties.TemplateURL`;
    if (!templateFile) {
      throw new InputError(
        `${where}: cannot find the nested stack's template in ${directory} (no aws:asset:path metadata or asset)`,
      );
    }
    const file = join(directory, templateFile);
    if (!existsSync(file))
      throw new InputError(`${where}: nested template ${relative('.', resolve(file))} does not exist`);
    const parsed = readTemplateFile(file);
    const constructPath = constructPathOf(metadata, templateFile);
    const stack: LoadedStack = {
      key: `${parent.key}/${logicalId}`,
      displayName: constructPath ? constructPath.replace(/^\//, '') : `${parent.displayName}/${logicalId}`,
      // CloudFormation names nested stacks `<parent>-<logicalId>-<random>`; the placeholder keeps the prefix.
      stackName: `${parent.stackName}-${logicalId}`,
      file,
      text: parsed.text,
      template: parsed.template,
      stackTags: parent.stackTags,
      constructPath,
      cdkPaths: logicalIdPaths(metadata, constructPath, templateFile),
      accountId: parent.accountId,
      region: parent.region,
      nestedIn: { parentKey: parent.key, logicalId },
    };
    nested.push(stack);
    if (depth < 10) nested.push(...loadNestedStacks(directory, stack, metadata, assets, depth + 1));
  }
  return nested;
}

/**
 * The asset the TemplateURL names (its hash, in the asset manifest): that file is what `cdk deploy` uploads
 * and CloudFormation deploys. `aws:asset:path` metadata is only a fallback: the app writes it, and a decoy
 * there must not stand in for the template that deploys.
 */
function nestedTemplateFile(
  resource: { readonly Metadata?: Record<string, unknown>; readonly Properties?: Record<string, unknown> },
  assets: ReadonlyMap<string, string>,
): string | undefined {
  const url = JSON.stringify(resource.Properties?.TemplateURL ?? '');
  const hash = /([0-9a-f]{64})\.json/.exec(url)?.[1];
  if (hash && assets.has(hash)) return assets.get(hash);
  const assetPath = resource.Metadata?.['aws:asset:path'];
  return typeof assetPath === 'string' ? assetPath : undefined;
}
