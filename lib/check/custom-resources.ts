// Custom resources run code during deployment, outside anything the diff of the data stores shows. This
// rule finds the ones that call delete APIs: SDK calls written into their properties (CDK's AwsCustomResource,
// and anything shaped like it), inline handler code of the function behind the ServiceToken, and the CDK
// custom resources known to empty a store when they are removed.
import type { Catalog, CatalogAction } from '../catalog/types';
import type { Finding, RuleMeta } from '../audit/rules/types';
import type { ProductionSelector } from '../guardrails/spec';
import { wildcardMatch } from '../policy/wildcard';
import { changeHash } from './change-hash';
import { productionTagOf } from './production-tag';
import { referencedIds } from './references';
import type { ResourcePair } from './stack-pairs';
import { statefulReason } from './stateful-types';
import type { CfnResource } from './template-file';

export const CUSTOM_RESOURCE_RULE: RuleMeta = {
  id: 'custom-resource-deletes',
  category: 'destructive-change',
  severity: 'high',
  title: 'Deployment runs a custom resource that calls delete APIs',
  help:
    'A custom resource added, changed or removed in this deployment runs its handler, and the handler calls an ' +
    'API that deletes or recreates (as classified in the action catalog, or named delete/remove/terminate/purge/' +
    'drop/destroy/truncate): found in SDK calls written into its properties (CDK AwsCustomResource), in inline ' +
    'handler code, or because the type is one that empties a store when removed; or whose handler code is not in ' +
    'the template while it is given a stateful or production resource, or runs in production. Critical in a production stack.',
  docsUrl: 'https://github.com/agent-leash/agent-leash/blob/main/docs/ci.md#custom-resources',
};

/** CDK custom resources whose handler (an asset, not visible here) deletes data when the resource goes. */
const EMPTIES_ON_REMOVAL: Readonly<Record<string, string>> = {
  'Custom::S3AutoDeleteObjects': 's3:DeleteObject (every object of the bucket, on removal)',
  'Custom::ECRAutoDeleteImages': 'ecr:BatchDeleteImage (every image of the repository, on removal)',
};

const DESTRUCTIVE_VERB = /^(delete|remove|terminate|purge|drop|destroy|truncate|empty|batchdelete|deregister)/i;

export function customResourceFindings(
  pairs: readonly ResourcePair[],
  production: ProductionSelector,
  catalog: Catalog,
  templates: ReadonlyMap<string, Readonly<Record<string, CfnResource>>>,
): Finding[] {
  const findings: Finding[] = [];
  for (const pair of pairs) {
    const resource = pair.after ?? pair.before;
    if (!resource || !isCustomResource(resource.Type) || !pair.changed) continue;
    const calls = new Set<string>();
    for (const side of [pair.before, pair.after]) {
      if (!side) continue;
      for (const call of sdkCalls(side.Properties ?? {})) {
        const action = destructiveAction(call.service, call.action, catalog);
        if (action) calls.add(`${action} (SDK call in the properties)`);
      }
      const handler = handlerCode(side, templates.get(pair.stack.key) ?? {});
      for (const name of codeCalls(handler)) {
        const action = destructiveAction(undefined, name, catalog);
        if (action) calls.add(`${action} (handler code calls ${name})`);
      }
    }
    const removedType = !pair.after ? EMPTIES_ON_REMOVAL[resource.Type] : undefined;
    if (removedType) calls.add(removedType);
    const productionTag = productionTagOf(
      [pair.before, pair.after],
      [pair.stack.stackTags, pair.baselineStackTags],
      production,
    );
    if (calls.size === 0) {
      const unseen = unseenHandler(pair, resource, productionTag, production, templates);
      if (unseen) findings.push(unseen);
      continue;
    }
    const when = !pair.before ? 'added' : !pair.after ? 'removed' : 'changed';
    const hash = changeHash(pair.stack.key, pair.logicalId, pair.before, pair.after);
    findings.push({
      ruleId: CUSTOM_RESOURCE_RULE.id,
      category: CUSTOM_RESOURCE_RULE.category,
      severity: productionTag ? 'critical' : 'high',
      title: `Custom resource ${pair.logicalId} calls delete APIs`,
      message:
        `Deploying stack ${pair.stack.displayName} runs custom resource ${pair.logicalId} (${resource.Type}, ${when}), ` +
        `which calls ${[...calls].join(', ')}${productionTag ? `; tagged ${productionTag}` : ''}. Change ${hash}.`,
      location: {
        file: pair.stack.file,
        logicalId: pair.logicalId,
        cdkPath: pair.stack.cdkPaths?.get(pair.logicalId),
        jsonPath: `Resources.${pair.logicalId}`,
      },
      evidence: [{ policy: `template:${pair.stack.key}`, policyKind: 'template', note: [...calls].join('; ') }],
      details: {
        stack: pair.stack.key,
        logicalId: pair.logicalId,
        resourceType: resource.Type,
        calls: [...calls],
        productionTag: productionTag ?? null,
        changeHash: hash,
      },
      remediation: `Make the deletion a reviewed change of the resource itself; a deliberate run needs a suppression naming change ${hash}, approved by two people.`,
      docsUrl: CUSTOM_RESOURCE_RULE.docsUrl,
    });
  }
  return findings;
}

/**
 * CDK's `Custom::AWS` runs exactly the SDK calls in its properties (judged above); the auto-delete types are
 * listed above. Any other handler whose code is not inline here may call anything.
 */
const HANDLER_KNOWN = new Set(['Custom::AWS', ...Object.keys(EMPTIES_ON_REMOVAL)]);

/**
 * A custom resource added, changed or removed whose handler code is not in the template (an S3 asset, a
 * container image, a function outside the stack) and which is given a stateful or production resource, or
 * runs in a production stack: what it does to them is not visible, so it fails closed until approved.
 */
function unseenHandler(
  pair: ResourcePair,
  resource: CfnResource,
  productionTag: string | undefined,
  production: ProductionSelector,
  templates: ReadonlyMap<string, Readonly<Record<string, CfnResource>>>,
): Finding | undefined {
  if (HANDLER_KNOWN.has(resource.Type)) return undefined;
  const resources = templates.get(pair.stack.key) ?? {};
  const sides = [pair.before, pair.after].filter((side): side is CfnResource => side !== undefined);
  if (sides.every((side) => handlerCode(side, resources).trim() !== '')) return undefined;
  // Given by reference, or by a physical name written out (`"orders-prod"` for a table named so in the stack),
  // or built at deployment the same way (`${Env}-orders` on both sides), or a literal the built name can be.
  const written = new Set(sides.flatMap((side) => [...texts(side.Properties ?? {}), ...subPatterns(side.Properties)]));
  const named = Object.entries(resources)
    .filter(([id, target]) => id !== pair.logicalId && physicalNames(target).some((name) => namesMatch(name, written)))
    .map(([id]) => id);
  const given = [
    ...new Set([
      ...sides.flatMap((side) => referencedIds(side.Properties ?? {}).filter((id) => id !== pair.logicalId)),
      ...named,
    ]),
  ].flatMap((id) => {
    const target = resources[id];
    if (!target || typeof target.Type !== 'string') return [];
    const stateful = statefulReason(target.Type) !== undefined;
    const tag = productionTagOf([target], [pair.stack.stackTags, pair.baselineStackTags], production);
    return stateful || tag ? [`${id} (${target.Type}${tag ? `, ${tag}` : ''})`] : [];
  });
  if (given.length === 0 && !productionTag) return undefined;
  const when = !pair.before ? 'added' : !pair.after ? 'removed' : 'changed';
  // The handler's own definition (its asset key, its image) is part of what is approved: new code is a new change.
  const handlers = [...new Set(sides.flatMap((side) => referencedIds(side.Properties?.ServiceToken ?? null)))].map(
    (id) => [id, resources[id] ?? null],
  );
  const hash = changeHash(pair.stack.key, pair.logicalId, pair.before ?? null, {
    after: pair.after ?? null,
    handlerNotVisible: true,
    handlers,
  });
  const reach = given.length > 0 ? `it is given ${given.join(', ')}` : `it runs in production (${productionTag})`;
  return {
    ruleId: CUSTOM_RESOURCE_RULE.id,
    category: CUSTOM_RESOURCE_RULE.category,
    severity: productionTag || given.some((item) => item.includes(', ')) ? 'critical' : 'high',
    title: `Custom resource ${pair.logicalId} runs code not visible here`,
    message:
      `Deploying stack ${pair.stack.displayName} runs custom resource ${pair.logicalId} (${resource.Type}, ${when}), ` +
      `whose handler code is not in the template (an asset, an image or a function elsewhere), and ${reach}: ` +
      `what it deletes is not visible here. Change ${hash}.`,
    location: {
      file: pair.stack.file,
      logicalId: pair.logicalId,
      cdkPath: pair.stack.cdkPaths?.get(pair.logicalId),
      jsonPath: `Resources.${pair.logicalId}`,
    },
    evidence: [{ policy: `template:${pair.stack.key}`, policyKind: 'template', note: `handler not visible; ${reach}` }],
    details: {
      stack: pair.stack.key,
      logicalId: pair.logicalId,
      resourceType: resource.Type,
      calls: [],
      handlerVisible: false,
      given,
      productionTag: productionTag ?? null,
      changeHash: hash,
    },
    remediation: `Review the handler's code; a deliberate run needs a suppression naming change ${hash}, approved by two people.`,
    docsUrl: CUSTOM_RESOURCE_RULE.docsUrl,
  };
}

/** The names a resource is created with (`TableName`, `BucketName`, `DBClusterIdentifier`, ...), as written. */
function physicalNames(resource: CfnResource | undefined): string[] {
  return Object.entries(resource?.Properties ?? {})
    .filter(([property]) => /(Name|Identifier)$/.test(property))
    .flatMap(([, value]) => {
      const name = typeof value === 'string' ? value : builtName(value);
      return name !== undefined && name.replace(/\*/g, '').length > 2 ? [name] : [];
    });
}

/**
 * A name built at deployment as a pattern, `*` for each part only deployment knows: `{"Fn::Sub": "${Env}-orders"}`
 * and `{"Fn::Join": ["-", [{"Ref": "Env"}, "orders"]]}` are both `*-orders`. Undefined for other intrinsics.
 */
function builtName(value: unknown): string | undefined {
  if (!value || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const record = value as Record<string, unknown>;
  const sub = record['Fn::Sub'];
  const template =
    typeof sub === 'string' ? sub : Array.isArray(sub) && typeof sub[0] === 'string' ? sub[0] : undefined;
  if (template !== undefined) return template.replace(/\$\{[^}]*\}/g, '*');
  const join = record['Fn::Join'];
  if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
    return join[1].map((part) => (typeof part === 'string' ? part : '*')).join(join[0]);
  }
  return undefined;
}

/** The Fn::Sub names in a value, as builtName writes them (texts() gives the Fn::Join ones). */
function subPatterns(value: unknown, depth = 0): string[] {
  if (depth > 64 || !value || typeof value !== 'object') return [];
  if (Array.isArray(value)) return value.flatMap((item) => subPatterns(item, depth + 1));
  const built = 'Fn::Sub' in value ? builtName(value) : undefined;
  return [...(built ? [built] : []), ...Object.values(value).flatMap((item) => subPatterns(item, depth + 1))];
}

/** The same name, or the same pattern, or a literal the pattern can become at deployment. */
function namesMatch(name: string, written: ReadonlySet<string>): boolean {
  if (written.has(name)) return true;
  if (!name.includes('*')) return false;
  for (const text of written) if (!text.includes('*') && wildcardMatch(name, text)) return true;
  return false;
}

function isCustomResource(type: string): boolean {
  return type === 'AWS::CloudFormation::CustomResource' || type.startsWith('Custom::');
}

/** Every string in a value; a Fn::Join's parts are joined, with `*` for what is not a string. */
export function texts(value: unknown, out: string[] = [], depth = 0): string[] {
  if (depth > 64) return out;
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach((item) => texts(item, out, depth + 1));
  else if (value && typeof value === 'object') {
    const join = (value as { 'Fn::Join'?: unknown })['Fn::Join'];
    if (Array.isArray(join) && typeof join[0] === 'string' && Array.isArray(join[1])) {
      out.push(join[1].map((part) => (typeof part === 'string' ? part : '*')).join(join[0]));
    } else {
      Object.values(value).forEach((item) => texts(item, out, depth + 1));
    }
  }
  return out;
}

/** `{"service": ..., "action": ...}` objects, as JSON text or as objects, anywhere in the properties. */
export function sdkCalls(properties: unknown): { service?: string; action: string }[] {
  const calls: { service?: string; action: string }[] = [];
  const visit = (value: unknown, depth: number) => {
    if (depth > 64 || !value || typeof value !== 'object') return;
    const { service, action } = value as { service?: unknown; action?: unknown };
    if (typeof action === 'string') calls.push({ service: typeof service === 'string' ? service : undefined, action });
    Object.values(value).forEach((item) => visit(item, depth + 1));
  };
  visit(properties, 0);
  for (const text of texts(properties)) {
    const pattern = /"action"\s*:\s*"([^"]+)"/g;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      const around = text.slice(Math.max(0, match.index - 400), match.index + 400);
      const service = /"service"\s*:\s*"([^"]+)"/.exec(around)?.[1];
      calls.push({ service, action: match[1] });
    }
  }
  return calls;
}

/** Inline code (Code.ZipFile) of the function behind the ServiceToken, through CDK's provider framework. */
function handlerCode(resource: CfnResource, resources: Readonly<Record<string, CfnResource>>): string {
  const code: string[] = [];
  const seen = new Set<string>();
  const follow = (value: unknown, depth: number) => {
    if (depth > 3) return;
    const getAtt = (value as { 'Fn::GetAtt'?: unknown } | undefined)?.['Fn::GetAtt'];
    const target = Array.isArray(getAtt) && typeof getAtt[0] === 'string' ? getAtt[0] : undefined;
    if (!target || seen.has(target)) return;
    seen.add(target);
    const fn = resources[target];
    if (!fn) return;
    // Only inline code is code: an asset's S3Bucket/S3Key or an ImageUri shows nothing it does.
    code.push(...texts((fn.Properties?.Code as { ZipFile?: unknown } | undefined)?.ZipFile ?? []));
    code.push(...texts((fn.Properties?.InlineCode as unknown) ?? []));
    const variables = (fn.Properties?.Environment as { Variables?: Record<string, unknown> } | undefined)?.Variables;
    for (const variable of Object.values(variables ?? {})) follow(variable, depth + 1);
  };
  follow(resource.Properties?.ServiceToken, 0);
  return code.join('\n');
}

/** Names of functions the code calls: `delete_table(`, `deleteTable(`, `new DeleteTableCommand(`. */
export function codeCalls(code: string): string[] {
  const names = new Set<string>();
  const pattern = /\b([A-Za-z_][A-Za-z0-9_]*)\s*\(/g;
  for (let match = pattern.exec(code); match; match = pattern.exec(code)) {
    const name = match[1].replace(/Command$/, '');
    if (DESTRUCTIVE_VERB.test(name.replace(/_/g, ''))) names.add(name);
  }
  return [...names];
}

/** Actions by lower-case name, built once per catalog (an SDK call often names no IAM service prefix). */
const byName = new WeakMap<Catalog, Map<string, CatalogAction[]>>();

function actionsNamed(catalog: Catalog, name: string): readonly CatalogAction[] {
  let index = byName.get(catalog);
  if (!index) {
    index = new Map();
    for (const entry of catalog.actions) {
      const key = entry.name.toLowerCase();
      index.set(key, [...(index.get(key) ?? []), entry]);
    }
    byName.set(catalog, index);
  }
  return index.get(name.toLowerCase()) ?? [];
}

/** The IAM action an SDK call stands for when it deletes or recreates; undefined when it does not. */
export function destructiveAction(service: string | undefined, action: string, catalog: Catalog): string | undefined {
  const name = pascal(action.replace(/Command$/, ''));
  const client = service?.replace(/^@aws-sdk\/client-/, '').toLowerCase();
  // `route53-recovery-readiness` is both an IAM prefix and an SDK v3 client name; `CloudWatchLogs` is neither.
  const prefix = [client, client?.replace(/[^a-z0-9]/g, '')].find(
    (candidate) => candidate && catalog.hasService(candidate),
  );
  const exact = prefix ? catalog.get(`${prefix}:${name}`) : undefined;
  const candidates = exact ? [exact] : actionsNamed(catalog, name);
  const destructive = candidates.find(
    (entry) => entry.classes.includes('delete') || entry.classes.includes('recreate'),
  );
  if (destructive) return destructive.action;
  if (DESTRUCTIVE_VERB.test(name)) return `${prefix ?? client ?? '?'}:${name}`;
  return undefined;
}

/** `delete_table`, `deleteTable` → `DeleteTable`. */
function pascal(name: string): string {
  return name
    .split('_')
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('');
}
