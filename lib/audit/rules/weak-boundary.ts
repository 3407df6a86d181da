// Permissions boundaries that do not do a boundary's job: they let destructive actions on production
// through, let the principal edit or remove the boundary, or let it create roles without one.
import type { Catalog, CatalogAction } from '../../catalog/types';
import type { ActionDecision, RequestContext } from '../evaluate/types';
import { compileAccount } from '../evaluate';
import type { AccountSnapshot, ManagedPolicy, Principal } from '../sources/snapshot';
import type { RuleFinding, RuleContext, RuleMeta, Severity } from './types';
import { docsUrl, listActions, uniqueEvidence } from './support/meta';
import { productionDeletions } from './support/production';
import type { Evidence } from './types';

export const meta: RuleMeta = {
  id: 'weak-boundary',
  category: 'boundary',
  severity: 'high',
  title: 'Permissions boundary does not stop destructive actions',
  help:
    'A permissions boundary is in use that still allows deleting or recreating production resources, ' +
    'changing or removing the boundary itself, or creating roles without a boundary. Use the leash agent ' +
    'boundary (leash generate) or add the missing denies.',
  docsUrl: docsUrl('weak-boundary'),
};

/** The boundary alone: a principal whose identity policy and boundary are both the boundary document. */
function compileBoundaryAlone(snapshot: AccountSnapshot, boundary: ManagedPolicy, catalog: Catalog, at: Date) {
  const probe: Principal = {
    kind: 'role',
    arn: `arn:aws:iam::${snapshot.accountId}:role/leash-boundary-probe`,
    name: 'leash-boundary-probe',
    path: '/',
    tags: {},
    inlinePolicies: [],
    managedPolicyArns: [boundary.arn],
    permissionsBoundaryArn: boundary.arn,
    groups: [],
    serviceLinked: false,
  };
  const alone: AccountSnapshot = {
    ...snapshot,
    principals: [probe],
    managedPolicies: [boundary],
    serviceControlPolicies: [],
    resourceControlPolicies: [],
    organizationPoliciesKnown: false,
    problems: [],
  };
  return compileAccount(alone, catalog, undefined, at).principal(probe.arn);
}

export function check(context: RuleContext): RuleFinding[] {
  const { snapshot, catalog, analysis, guardrails } = context;
  const managed = new Map(snapshot.managedPolicies.map((p) => [p.arn, p]));
  const users = new Map<string, Principal[]>();
  for (const principal of analysis.principals) {
    if (!principal.permissionsBoundaryArn) continue;
    const list = users.get(principal.permissionsBoundaryArn) ?? [];
    list.push(principal);
    users.set(principal.permissionsBoundaryArn, list);
  }
  const findings: RuleFinding[] = [];
  if (users.size === 0) return findings;
  // Every delete and recreate, asked once per production tag key and value some policy of the account tells
  // apart: a boundary may guard one key and not another, or compare one value only, case-sensitively.
  const tags = analysis.productionTags();
  const { actions: destructive, requests } = productionDeletions(catalog, guardrails, tags);
  // Switching a protection off, and rewriting the production tag: the first call of a deletion in two steps.
  const tamper = catalog.destructive.filter(
    (a) => a.classes.includes('tamper') && !a.classes.includes('delete') && !a.classes.includes('recreate'),
  );
  const disarms = tamper.filter((a) => a.accessLevel !== 'Tagging');
  const retags = tamper.filter((a) => a.accessLevel === 'Tagging');
  // Each rewrite value a policy of the account tells apart (a deny may stop `dev` and not `DEV`).
  const rewrites = tags.flatMap(({ key, value, text }) =>
    analysis.rewriteValues(undefined, key).map((to) => ({
      request: {
        resourceTags: { [key]: value },
        resourceTagKeysKnown: guardrails.production.tagKeys,
        requestTags: { [key]: to },
        contextKeys: { 'aws:tagkeys': [key] },
      },
      tag: text,
    })),
  );

  for (const [arn, principals] of users) {
    const boundary = managed.get(arn);
    if (!boundary) continue;
    const probe = compileBoundaryAlone(snapshot, boundary, catalog, context.now);
    if (!probe) continue;
    const gaps: string[] = [];
    const evidence: Evidence[] = [];

    const { throughProduction, tag } = mostAllowed(probe, destructive, requests);
    if (throughProduction.length > 0) {
      gaps.push(
        `allows ${throughProduction.length} delete/recreate action(s) on resources tagged ${tag} (${listActions(
          throughProduction.map((d) => d.action),
          4,
        )})`,
      );
      evidence.push(
        ...uniqueEvidence(
          throughProduction.flatMap((d) => d.allowedBy),
          4,
        ),
      );
    }
    const disarmed = mostAllowed(probe, disarms, requests);
    if (disarmed.throughProduction.length > 0) {
      gaps.push(
        `allows ${disarmed.throughProduction.length} action(s) that switch off a protection or recovery of resources tagged ${disarmed.tag} (${listActions(
          disarmed.throughProduction.map((d) => d.action),
          4,
        )})`,
      );
      evidence.push(
        ...uniqueEvidence(
          disarmed.throughProduction.flatMap((d) => d.allowedBy),
          2,
        ),
      );
    }
    const retagged = mostAllowed(probe, retags, rewrites);
    if (retagged.throughProduction.length > 0) {
      gaps.push(
        `allows rewriting the production tag ${retagged.tag} (${listActions(
          retagged.throughProduction.map((d) => d.action),
          4,
        )})`,
      );
      evidence.push(
        ...uniqueEvidence(
          retagged.throughProduction.flatMap((d) => d.allowedBy),
          2,
        ),
      );
    }
    const selfEdit = ['iam:CreatePolicyVersion', 'iam:SetDefaultPolicyVersion', 'iam:DeletePolicy']
      .map((action) => probe.decide(action, { resourceArn: arn }))
      .filter((d) => d.decision === 'allowed');
    if (selfEdit.length > 0) {
      gaps.push(`allows editing the boundary policy itself (${selfEdit.map((d) => d.action).join(', ')})`);
      evidence.push(
        ...uniqueEvidence(
          selfEdit.flatMap((d) => d.allowedBy),
          2,
        ),
      );
    }
    const removal = ['iam:DeleteRolePermissionsBoundary', 'iam:PutRolePermissionsBoundary']
      .map((action) => probe.decide(action))
      .filter((d) => d.decision === 'allowed');
    if (removal.length > 0) {
      gaps.push(`allows removing or replacing boundaries (${removal.map((d) => d.action).join(', ')})`);
      evidence.push(
        ...uniqueEvidence(
          removal.flatMap((d) => d.allowedBy),
          2,
        ),
      );
    }
    const createRole = probe.decide('iam:CreateRole', {
      resourceArn: `arn:aws:iam::${snapshot.accountId}:role/leash-probe-new-role`,
    });
    if (createRole.decision === 'allowed') {
      gaps.push(
        'allows creating roles without requiring a permissions boundary (no iam:PermissionsBoundary condition)',
      );
      evidence.push(...uniqueEvidence(createRole.allowedBy, 2));
    }
    if (gaps.length === 0) continue;

    const agents = principals.filter((p) => analysis.isAgent(p.arn));
    const onProduction =
      throughProduction.length + disarmed.throughProduction.length + retagged.throughProduction.length > 0;
    const severity: Severity = agents.length > 0 || onProduction ? 'high' : 'medium';
    findings.push({
      severity,
      message: `permissions boundary ${boundary.name} (used by ${principals.length} principal(s)${agents.length > 0 ? `, ${agents.length} of them agents` : ''}) ${gaps.join('; ')}.`,
      evidence: uniqueEvidence(
        evidence.map((e) => ({ ...e, policyKind: 'boundary' as const })),
        8,
      ),
      details: {
        policyArn: arn,
        principals: principals.slice(0, 100).map((p) => p.arn),
        principalCount: principals.length,
        productionDestructiveAllowed: throughProduction.length,
        productionTamperAllowed: disarmed.throughProduction.length + retagged.throughProduction.length,
        ...(throughProduction.length > 0 ? { productionTag: tag } : {}),
        gaps,
      },
      remediation:
        'Deny delete/recreate actions on production-tagged resources (and by ARN pattern for actions without tag support), deny editing the boundary policy and the *PermissionsBoundary actions, and allow iam:CreateRole only with the iam:PermissionsBoundary condition set to this boundary.',
    });
  }
  return findings;
}

/** The production tag under which the boundary lets the most deletions through, and those deletions. */
function mostAllowed(
  probe: { decideMany(actions: readonly CatalogAction[], context?: RequestContext): ActionDecision[] },
  destructive: readonly CatalogAction[],
  requests: readonly { request: RequestContext; tag: string }[],
): { throughProduction: ActionDecision[]; tag: string } {
  let worst = { throughProduction: [] as ActionDecision[], tag: requests[0].tag };
  for (const { request, tag } of requests) {
    const throughProduction = probe.decideMany(destructive, request).filter((d) => d.decision === 'allowed');
    if (throughProduction.length > worst.throughProduction.length) worst = { throughProduction, tag };
  }
  return worst;
}
