// A StackSet's stack instances removed: taking an OU, an account or a region out of StackInstancesGroup makes
// CloudFormation delete the stack instances there, and with them every resource of the StackSet's template, in
// every account concerned. The template itself is unchanged, so the resource diff shows nothing.
import type { Finding } from '../audit/rules/types';
import type { ProductionSelector } from '../guardrails/spec';
import { DESTRUCTIVE_CHANGE_RULE } from './change-gate';
import { canonicalJson, changeHash } from './change-hash';
import { productionTagOf } from './production-tag';
import { stackSetBody, type ResourcePair } from './stack-pairs';
import { statefulReason } from './stateful-types';
import type { CfnResource } from './template-file';

/**
 * The (target, region) pairs a StackSet deploys to, one per account or OU when the targets are a plain list
 * (AccountFilterType absent or NONE), else one per whole DeploymentTargets (a filter decides which accounts of
 * the OUs count: any change of it may remove some). A value that is not a list counts as one opaque target.
 */
function instances(resource: CfnResource): Set<string> {
  const found = new Set<string>();
  const groups = resource.Properties?.StackInstancesGroup;
  for (const group of Array.isArray(groups) ? groups : [groups]) {
    if (group === undefined) continue;
    const { DeploymentTargets: targets, Regions: regions } = (group ?? {}) as {
      DeploymentTargets?: Record<string, unknown>;
      Regions?: unknown;
    };
    const filter = targets?.AccountFilterType;
    const plain = targets && (filter === undefined || filter === 'NONE');
    const names = plain
      ? [
          ...(Array.isArray(targets.Accounts) ? targets.Accounts : targets.Accounts ? [targets.Accounts] : []).map(
            (account) => `account ${canonicalJson(account)}`,
          ),
          ...(Array.isArray(targets.OrganizationalUnitIds)
            ? targets.OrganizationalUnitIds
            : targets.OrganizationalUnitIds
              ? [targets.OrganizationalUnitIds]
              : []
          ).map((ou) => `OU ${canonicalJson(ou)}`),
          ...(targets.AccountsUrl !== undefined ? [`accounts of ${canonicalJson(targets.AccountsUrl)}`] : []),
        ]
      : [`targets ${canonicalJson(targets ?? null)}`];
    for (const region of Array.isArray(regions) ? regions : [regions]) {
      for (const name of names) found.add(`${name} in ${canonicalJson(region ?? null)}`);
    }
  }
  return found;
}

/** One finding per StackSet that loses stack instances, when its template holds state or production (or is unseen). */
export function stackSetInstanceFindings(pairs: readonly ResourcePair[], production: ProductionSelector): Finding[] {
  const findings: Finding[] = [];
  for (const pair of pairs) {
    const { before, after } = pair;
    if (!before || !after || before.Type !== 'AWS::CloudFormation::StackSet' || after.Type !== before.Type) continue;
    const now = instances(after);
    const removed = [...instances(before)].filter((instance) => !now.has(instance));
    if (removed.length === 0) continue;
    const body = stackSetBody(before);
    const held = Object.entries(body?.Resources ?? {}).flatMap(([id, resource]) => {
      if (typeof resource?.Type !== 'string') return [];
      const tag = productionTagOf([resource], [pair.stack.stackTags, pair.baselineStackTags], production);
      return statefulReason(resource.Type) || tag ? [`${id} (${resource.Type}${tag ? `, ${tag}` : ''})`] : [];
    });
    const productionTag = productionTagOf([before, after], [pair.stack.stackTags, pair.baselineStackTags], production);
    if (body && held.length === 0 && !productionTag) continue;
    const hash = changeHash(pair.stack.key, pair.logicalId, before, after);
    const what = body
      ? `its stateful or production resources ${held.join(', ')}`
      : 'whatever its template holds (TemplateURL or an unreadable TemplateBody: not visible here)';
    findings.push({
      ruleId: DESTRUCTIVE_CHANGE_RULE.id,
      category: 'destructive-change',
      severity: productionTag || held.some((item) => item.includes(', ')) || !body ? 'critical' : 'high',
      title: `Deletes stack instances of AWS::CloudFormation::StackSet ${pair.logicalId}`,
      message:
        `Deploying stack ${pair.stack.displayName} removes from StackSet ${pair.logicalId} the stack instances of ` +
        `${removed.join('; ')}: CloudFormation deletes those stacks, and with them ${what}, in every account concerned` +
        `${productionTag ? `; tagged ${productionTag}` : ''}. Change ${hash}.`,
      location: {
        file: pair.stack.file,
        logicalId: pair.logicalId,
        cdkPath: pair.stack.cdkPaths?.get(pair.logicalId),
        jsonPath: `Resources.${pair.logicalId}.Properties.StackInstancesGroup`,
      },
      evidence: [
        { policy: `template:${pair.stack.key}`, policyKind: 'template', note: `removed: ${removed.join('; ')}` },
      ],
      details: {
        stack: pair.stack.key,
        logicalId: pair.logicalId,
        resourceType: before.Type,
        action: 'delete',
        removedInstances: removed,
        productionTag: productionTag ?? null,
        changeHash: hash,
      },
      remediation: `Keep the targets and regions, or set DeletionPolicy: Retain on the template's stateful resources first; a deliberate removal needs a suppression naming change ${hash}, approved by two people.`,
      docsUrl: DESTRUCTIVE_CHANGE_RULE.docsUrl,
    });
  }
  return findings;
}
