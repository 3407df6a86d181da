// Macros: a template's `Transform` section (but the transforms leash check reads as written) and `Fn::Transform`
// (AWS::Include, a company's own macro). CloudFormation runs them at deployment, so what they make of the
// template (roles, policies, deletions) is in no file leash check reads: the change gate and the IAM rules say so.
import { MAX_JSON_DEPTH } from '../util/json-scan';
import type { CfnTemplate } from './template-file';

/** Transforms leash check reads itself: SAM as written, LanguageExtensions with its loops written out (for-each.ts). */
const READ_AS_WRITTEN = new Set(['AWS::Serverless-2016-10-31', 'AWS::LanguageExtensions']);

/** Macros (the `Transform` section, `Fn::Transform` such as AWS::Include) whose output only deployment sees. */
export function macrosOf(template: CfnTemplate): string[] {
  const names = new Set<string>();
  const transform = template.Transform;
  for (const name of Array.isArray(transform) ? transform : transform === undefined ? [] : [transform]) {
    const named = typeof name === 'string' ? name : JSON.stringify(name);
    if (!READ_AS_WRITTEN.has(named)) names.add(`Transform ${named}`);
  }
  const walk = (value: unknown, depth: number): void => {
    // Template readers refuse text nested deeper than MAX_JSON_DEPTH: this bound skips nothing that was read.
    if (depth > MAX_JSON_DEPTH || value === null || typeof value !== 'object') return;
    for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
      if (key === 'Fn::Transform') {
        const name = (item as { Name?: unknown } | null)?.Name;
        names.add(`Fn::Transform ${typeof name === 'string' ? name : JSON.stringify(name)}`);
      }
      walk(item, depth + 1);
    }
  };
  walk(template, 0);
  return [...names];
}
