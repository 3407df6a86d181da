// Runs the change gate on templates given inline: the shared set-up of the gate's adversarial tests.
import type { Finding } from '../../lib/audit/rules/types';
import { loadCatalog } from '../../lib/catalog';
import type { LoadedStack } from '../../lib/check/assembly';
import { checkStacks } from '../../lib/check/check';
import type { CfnTemplate } from '../../lib/check/template-file';
import { LeashConfig } from '../../lib/config/schema';

export const catalog = loadCatalog();
export const now = new Date('2026-11-24T12:00:00Z');

/** A stack as the assembly loader gives it, from a template object. */
export function stack(template: object, key = 'Data', extra: Partial<LoadedStack> = {}): LoadedStack {
  return {
    key,
    displayName: key,
    stackName: key.replace(/\//g, '-'),
    file: `${key.replace(/\//g, '_')}.json`,
    text: JSON.stringify(template),
    template: template as CfnTemplate,
    stackTags: {},
    ...extra,
  };
}

/** The gate's destructive-change findings for a change from `before` to `after` (stacks or one template each). */
export function gate(before: LoadedStack[] | object, after: LoadedStack[] | object, config: object = {}): Finding[] {
  const toStacks = (value: LoadedStack[] | object) => (Array.isArray(value) ? value : [stack(value)]);
  return checkStacks(toStacks(after), toStacks(before), 'test', {
    catalog,
    now,
    config: LeashConfig.parse(config),
  }).findings.filter((finding) => finding.category === 'destructive-change');
}

/** The production tag of these tests, and a production DynamoDB table to change. */
export const prodTags = [{ Key: 'environment', Value: 'production' }];
export const table = (properties: object = {}, extra: object = {}) => ({
  Type: 'AWS::DynamoDB::Table',
  Properties: {
    KeySchema: [{ AttributeName: 'pk', KeyType: 'HASH' }],
    AttributeDefinitions: [{ AttributeName: 'pk', AttributeType: 'S' }],
    BillingMode: 'PAY_PER_REQUEST',
    Tags: prodTags,
    ...properties,
  },
  ...extra,
});
