// Principals whose effective access covers (nearly) every AWS action: AdministratorAccess, `*:*`, or an
// equivalent such as a NotAction allow of almost everything. This is the incident's starting point.
import type { Catalog, CatalogAction } from '../../catalog/types';
import type { CompiledPrincipal, RequestContext } from '../evaluate/types';
import { withCallerPick, type CallerPick } from '../evaluate/caller-picks';
import type { RuleFinding, RuleContext, RuleMeta } from './types';
import { docsUrl, allowEvidence } from './support/meta';
import { inPick, pickDetails } from './support/production';
import { countText } from '../../util/count-text';

/** Looks at principals one by one: safe to run over batches of principals. */
export const scope = 'principal' as const;

export const meta: RuleMeta = {
  id: 'full-admin',
  category: 'over-broad',
  severity: 'critical',
  title: 'Administrator access (or equivalent)',
  help:
    'The principal may perform (nearly) every AWS action on every resource. Replace the grant with a policy ' +
    'scoped to the services and resources the principal needs, and give agents the leash agent boundary.',
  docsUrl: docsUrl('full-admin'),
};

/** Share of all catalog actions allowed unconditionally from which a principal counts as an administrator. */
export const ADMIN_THRESHOLD = 0.9;

/** Actions whose allowed statements are shown as evidence (any admin grant covers them). */
const PROBE_ACTIONS = [
  'iam:CreateRole',
  'ec2:TerminateInstances',
  's3:DeleteBucket',
  'organizations:LeaveOrganization',
];

/** One flag array per catalog, and one request per pick (withCallerPick): twins share counts by both. */
const ANY_REQUEST: RequestContext = {};
const noneFlagged = new WeakMap<Catalog, Uint8Array>();

/** The principal's allowed and depending counts over the catalog, for requests made with `pick`. */
function countsIn(
  compiled: CompiledPrincipal,
  catalog: Catalog,
  pick: CallerPick,
): { allowed: number; depends: number } {
  const context = withCallerPick(ANY_REQUEST, pick);
  let flagged = noneFlagged.get(catalog);
  if (!flagged) noneFlagged.set(catalog, (flagged = new Uint8Array(catalog.actions.length)));
  const counts = compiled.countDecisions(flagged, context);
  return { allowed: counts.allowed, depends: counts.depends };
}

export function check(context: RuleContext): RuleFinding[] {
  const { analysis, account, catalog } = context;
  const probes = PROBE_ACTIONS.map((name) => catalog.get(name)).filter((a): a is CatalogAction => a !== undefined);
  const findings: RuleFinding[] = [];
  for (const principal of analysis.principals) {
    if (principal.serviceLinked) continue;
    const summary = analysis.summary(principal.arn);
    const compiled = account.principal(principal.arn);
    if (!summary || !compiled || summary.total === 0) continue;
    let { allowed, depends } = summary;
    let pick: CallerPick | undefined;
    // Under a region deny or a network perimeter SCP nearly everything depends on a key the caller picks
    // (aws:RequestedRegion, aws:SourceIp): asked with each pick the policies tell apart, an administrator of
    // the regions and networks it may use is one.
    if (allowed / summary.total < ADMIN_THRESHOLD && (allowed + depends) / summary.total >= ADMIN_THRESHOLD) {
      const ceiling = allowed + depends;
      for (const candidate of analysis.productionPicks(principal)) {
        if (allowed >= ceiling) break;
        const counts = countsIn(compiled, catalog, candidate);
        if (counts.allowed > allowed) ({ allowed, depends, pick } = { ...counts, pick: candidate });
      }
    }
    const share = allowed / summary.total;
    if (share < ADMIN_THRESHOLD) continue;
    const percent = (share * 100).toFixed(1);
    const evidence = allowEvidence(compiled.decideMany(probes));
    findings.push({
      severity: meta.severity,
      message:
        `is allowed ${countText(allowed)} of ${countText(summary.total)} AWS actions ` +
        `(${percent}%) on any resource${inPick(pick)}, without conditions: effectively an administrator` +
        (compiled.hasPermissionsBoundary
          ? ' even within its permissions boundary.'
          : principal.definedElsewhere
            ? ' by what these templates attach to it (a boundary where it is defined would cap it; none is known).'
            : ', and it has no permissions boundary.'),
      principalArn: principal.arn,
      location: principal.location,
      evidence,
      details: {
        allowed,
        depends,
        total: summary.total,
        ...pickDetails(pick),
        share: Number(share.toFixed(4)),
        hasPermissionsBoundary: compiled.hasPermissionsBoundary,
        exempt: analysis.isExempt(principal.arn),
      },
      remediation:
        'Replace administrator access with least-privilege policies; keep full access only on a break-glass role that requires MFA and is monitored (and suppress this finding for it with a written reason).',
    });
  }
  return findings;
}
