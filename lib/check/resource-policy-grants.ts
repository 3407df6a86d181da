// A resource policy of a production resource that starts to let anyone delete or disarm it: `Principal: "*"`
// (or `{"AWS": "*"}`) on an Allow that names a destructive action, with no condition that narrows who. SCPs never
// bind principals of other accounts, so only an RCP (where the service has them) would still stop the call.
import type { Finding, RuleMeta } from '../audit/rules/types';
import type { Catalog } from '../catalog/types';
import type { ProductionSelector } from '../guardrails/spec';
import { compileActionMatcher } from '../policy';
import type { ResourceLookup } from './backup-coverage';
import { changeHash } from './change-hash';
import { canonicalStatement, guards, policyDocuments } from './resource-policy-denies';
import type { ResourcePair } from './stack-pairs';
import type { CfnResource } from './template-file';

export const OPEN_GRANT_RULE: RuleMeta = {
  id: 'production-open-to-anyone',
  category: 'destructive-change',
  severity: 'critical',
  title: 'A resource policy lets anyone delete or disarm a production resource',
  help:
    'A resource policy of a production resource gains an Allow whose principal is everyone ("*") for an action ' +
    'that deletes, recreates or disarms (the action catalog), with no condition on who calls ' +
    '(aws:PrincipalOrgID, aws:PrincipalAccount, aws:PrincipalArn, aws:SourceAccount, aws:SourceArn...). SCPs do ' +
    'not bind principals of other accounts. Critical for production, high when the target is not in the templates.',
  docsUrl: 'https://github.com/agent-leash/agent-leash/blob/main/docs/ci.md#resource-policies-open-to-anyone',
};

/** Condition keys that say who may call: with one of them the grant is not to anyone. */
const NARROWING =
  /^aws:(principal(orgid|orgpaths|account|arn|isawsservice|servicename)|source(account|arn|orgid|orgpaths|vpc|vpce|owner)|userid|username)$/i;

function toEveryone(principal: unknown): boolean {
  if (principal === '*') return true;
  if (!principal || typeof principal !== 'object') return false;
  const aws = (principal as Record<string, unknown>).AWS;
  return aws === '*' || (Array.isArray(aws) && aws.includes('*'));
}

function narrowed(condition: unknown): boolean {
  if (!condition || typeof condition !== 'object') return false;
  return Object.values(condition as Record<string, unknown>).some(
    (keys) => keys && typeof keys === 'object' && Object.keys(keys).some((key) => NARROWING.test(key)),
  );
}

/** The destructive actions an Allow to everyone in the resource's policies names, by statement. */
function openGrants(resource: CfnResource | undefined, catalog: Catalog): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const document of policyDocuments(resource?.Properties)) {
    const statements = Array.isArray(document.Statement) ? document.Statement : [document.Statement];
    for (const raw of statements) {
      if (!raw || typeof raw !== 'object') continue;
      const statement = raw as Record<string, unknown>;
      if (statement.Effect !== 'Allow' || !toEveryone(statement.Principal) || narrowed(statement.Condition)) continue;
      const patterns = (Array.isArray(statement.Action) ? statement.Action : [statement.Action]).filter(
        (action): action is string => typeof action === 'string',
      );
      // NotAction with everyone as principal grants every other action, destructive ones among them.
      const matches = statement.NotAction !== undefined ? () => true : compileActionMatcher(patterns);
      const destructive = catalog.destructive.filter((action) => matches(action.action)).map((action) => action.action);
      if (destructive.length > 0) found.set(canonicalStatement(statement), destructive);
    }
  }
  return found;
}

export function openGrantFindings(
  pairs: readonly ResourcePair[],
  production: ProductionSelector,
  lookup: ResourceLookup,
  catalog: Catalog,
): Finding[] {
  const findings: Finding[] = [];
  for (const pair of pairs) {
    const { before, after } = pair;
    if (!pair.changed || !after) continue;
    const now = openGrants(after, catalog);
    if (now.size === 0) continue;
    const was = openGrants(before, catalog);
    const added = [...now].filter(([key]) => !was.has(key));
    if (added.length === 0) continue;
    const { production: why, unseen } = guards(pair, after, production, lookup);
    if (!why && !unseen) continue;
    const actions = [...new Set(added.flatMap(([, names]) => names))];
    const hash = changeHash(pair.stack.key, pair.logicalId, before ?? null, after);
    const shown = actions.slice(0, 4).join(', ') + (actions.length > 4 ? ` and ${actions.length - 4} more` : '');
    findings.push({
      ruleId: OPEN_GRANT_RULE.id,
      category: OPEN_GRANT_RULE.category,
      severity: why ? 'critical' : 'high',
      title: `${OPEN_GRANT_RULE.title}: ${after.Type} ${pair.logicalId}`,
      message:
        `Deploying stack ${pair.stack.displayName} ${before ? 'changes' : 'adds'} ${pair.logicalId} (${after.Type}) ` +
        `so that anyone ("*", no condition on who) may ${shown}; ${why ?? `${unseen}, so it may guard production`}. ` +
        `Change ${hash}.`,
      location: {
        file: pair.stack.file,
        logicalId: pair.logicalId,
        cdkPath: pair.stack.cdkPaths?.get(pair.logicalId),
        jsonPath: `Resources.${pair.logicalId}`,
      },
      evidence: added.slice(0, 4).map(([statement]) => ({
        policy: `template:${pair.stack.key}`,
        policyKind: 'template' as const,
        statement: JSON.parse(statement) as unknown,
        note: 'Allow to everyone',
      })),
      details: {
        stack: pair.stack.key,
        logicalId: pair.logicalId,
        resourceType: after.Type,
        action: before ? 'modify' : 'add',
        openActions: actions.slice(0, 100),
        openActionCount: actions.length,
        guards: why ?? unseen,
        changeHash: hash,
        statements: added.length,
      },
      remediation: `Name the principals (or add aws:PrincipalOrgID); a deliberate grant needs a suppression naming change ${hash}, approved by two people.`,
      docsUrl: OPEN_GRANT_RULE.docsUrl,
    });
  }
  return findings;
}
