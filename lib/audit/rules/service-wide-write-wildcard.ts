// Allow statements that grant a whole service's write actions by wildcard (`s3:*`, `ec2:Delete*`): the
// grant grows with every new AWS action and usually includes deletes nobody meant to give.
import { expandActionPattern, type NormalizedStatement } from '../../policy';
import type { CatalogAction } from '../../catalog/types';
import type { RuleFinding, RuleContext, RuleMeta, Severity } from './types';
import type { Principal } from '../sources/snapshot';
import { reachedPrincipals, statementEvidence } from './support/policies';
import { docsUrl, listActions } from './support/meta';

export const meta: RuleMeta = {
  id: 'service-wide-write-wildcard',
  category: 'over-broad',
  severity: 'medium',
  title: 'Service-wide wildcard grants write actions',
  help:
    'An Allow statement uses a wildcard action pattern such as "s3:*" or "ec2:Delete*" that grants write ' +
    'actions, including destructive ones, across a service. List the actions needed instead, or scope the ' +
    'statement to specific resources.',
  docsUrl: docsUrl('service-wide-write-wildcard'),
};

const WRITE_LEVELS = new Set(['Write', 'Permissions management', 'Tagging']);
/** decisionKinds' code for a denied action. */
const DENIED = 0;

function isUnscoped(statement: NormalizedStatement): boolean {
  return (statement.resources?.includes('*') ?? false) && statement.conditions.length === 0;
}

interface Expansion {
  readonly write: CatalogAction[];
  readonly destructive: CatalogAction[];
}

/** A statement's patterns that grant a service's writes, destructive ones among them, by wildcard. */
type WildcardWrites = ({ readonly pattern: string } & Expansion)[];

const NO_WILDCARD_WRITES: WildcardWrites = [];

// A small function of its own, with an indexed loop: it reads every Action pattern of the account (tens of
// thousands), and in the one long check call it ran unoptimised for most of them, an iterator result each.
function wildcardWrites(patterns: readonly string[], expand: (pattern: string) => Expansion): WildcardWrites {
  let perPattern: WildcardWrites | undefined;
  for (let k = 0; k < patterns.length; k++) {
    const pattern = patterns[k];
    const colon = pattern.indexOf(':');
    // `*` alone is the full-admin rule's business; patterns without a wildcard name actions on purpose.
    const wildName = colon !== -1 && (pattern.includes('*', colon + 1) || pattern.includes('?', colon + 1));
    if (pattern === '*' || !wildName) continue;
    const { write, destructive } = expand(pattern);
    if (write.length >= 2 && destructive.length > 0) (perPattern ??= []).push({ pattern, write, destructive });
  }
  // Most statements have none: one shared empty answer (never changed).
  return perPattern ?? NO_WILDCARD_WRITES;
}

export function check(context: RuleContext): RuleFinding[] {
  const { analysis, catalog, snapshot, account } = context;
  const findings: RuleFinding[] = [];
  // The write and destructive actions of each wildcard pattern, once per pattern: policies repeat them.
  const expansions = new Map<string, Expansion>();
  const expand = (pattern: string): Expansion => {
    const key = pattern.toLowerCase();
    let expansion = expansions.get(key);
    if (!expansion) {
      const write = expandActionPattern(pattern, catalog).filter((a) => WRITE_LEVELS.has(a.accessLevel));
      const destructive = write.filter((a) => a.classes.includes('delete') || a.classes.includes('recreate'));
      expansion = { write, destructive };
      expansions.set(key, expansion);
    }
    return expansion;
  };
  for (const policy of analysis.policies) {
    if (policy.type !== 'identity') continue;
    // Who holds the policy, found only for a policy with a statement to report: most have none.
    let holders: Principal[] | undefined;
    for (const statement of policy.parsed()?.statements ?? []) {
      if (statement.effect !== 'Allow' || !statement.actions) continue;
      const perPattern = wildcardWrites(statement.actions, expand);
      if (perPattern.length === 0) continue;
      const principals = (holders ??= reachedPrincipals(policy, snapshot).filter((p) => !p.serviceLinked));
      if (principals.length === 0) break;
      // Only report what still takes effect for someone: a boundary or SCP may already cut it.
      // One pattern's list itself (the usual case): statements naming the same pattern then ask about one list
      // object, which the evaluator prepares once and answers once for principals that are twins.
      const probe = perPattern.length === 1 ? perPattern[0].destructive : perPattern.flatMap((p) => p.destructive);
      // One principal for whom it still takes effect is enough; asking about every one costs an evaluation each.
      // Only whether some action is not denied: the decisions' kinds, without a decision object per action.
      const inEffect = principals.some((p) => {
        const compiled = account.principal(p.arn);
        return compiled !== undefined && compiled.decisionKinds(probe).some((kind) => kind !== DENIED);
      });
      if (!inEffect) continue;
      const severity: Severity = isUnscoped(statement) ? 'medium' : 'low';
      const patterns = perPattern.map((p) => p.pattern);
      const destructive = probe.map((a) => a.action);
      const writeCount = perPattern.reduce((n, p) => n + p.write.length, 0);
      const where = policy.owner ? `inline policy ${policy.name}` : `managed policy ${policy.name}`;
      findings.push({
        severity,
        message:
          `${where} statement ${statement.sid ?? statement.index} allows ${patterns.join(', ')}: ` +
          `${writeCount} write actions including ${destructive.length} destructive (${listActions(destructive, 4)})` +
          (severity === 'medium' ? ' on every resource' : '') +
          `; attached to ${principals.length} principal(s).`,
        principalArn: policy.owner?.arn,
        location: policy.owner?.location,
        evidence: [statementEvidence(policy, statement, `allows ${patterns.join(', ')}`)],
        details: {
          key: `${statement.index}`,
          ...(policy.owner ? {} : { policyArn: policy.id }),
          patterns,
          writeActions: writeCount,
          destructiveActions: destructive.slice(0, 100),
          principals: principals.slice(0, 100).map((p) => p.arn),
          principalCount: principals.length,
        },
        remediation:
          'Name the actions the principal needs (read the CloudTrail history or use IAM Access Analyzer policy generation) and scope Resource to the resources it works on.',
      });
    }
  }
  return findings;
}
