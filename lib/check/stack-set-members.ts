// The principals a StackSet deploys. Its TemplateBody is a template of its own, whose roles, users and policies
// exist in every account it targets: a stack set that puts an administrator role trusting everyone into every
// account of an OU is as much a finding as that role in a stack of its own. Each body is audited as one member
// account (which accounts is a deployment fact: the account id is the placeholder), and its findings point into
// the StackSet. A template given by TemplateURL cannot be seen: said, never passed over; a TemplateBody that does
// not parse fails the check.
import { auditAccount, type AuditResult } from '../audit/audit';
import type { Finding } from '../audit/findings';
import type { Rule } from '../audit/rules/types';
import type { SnapshotProblem, SourceLocation } from '../audit/sources/snapshot';
import { readTemplates, type TemplateStack } from '../audit/sources/templates';
import { isIntrinsic } from '../audit/sources/templates-intrinsics';
import type { Catalog } from '../catalog/types';
import type { LeashConfig } from '../config/schema';
import type { LoadedStack } from './assembly';
import { withLeashBoundary } from './leash-boundary';
import { stackSetBody } from './stack-pairs';
import { parseTemplateText } from './template-file';
import { InputError } from '../util/read-input';

const STACK_SET = 'AWS::CloudFormation::StackSet';

/** One StackSet's template, to be audited as a member account. */
export interface StackSetMember {
  readonly parent: LoadedStack;
  readonly logicalId: string;
  /** JSON path of the body in the parent's file: `Resources.<Id>.Properties.TemplateBody`. */
  readonly bodyPath: string;
  readonly stack: TemplateStack;
}

/** The StackSets of the templates whose body is readable, and a caveat for each whose body is not. */
export function stackSetMembers(stacks: readonly LoadedStack[]): {
  members: StackSetMember[];
  unread: string[];
} {
  const members: StackSetMember[] = [];
  const unread: string[] = [];
  for (const parent of stacks) {
    for (const [logicalId, resource] of Object.entries(parent.template.Resources ?? {})) {
      if (resource?.Type !== STACK_SET) continue;
      const given = resource.Properties?.TemplateBody;
      // Text the stack set deploys that cannot be read fails the check (exit 2), as a template file would: its
      // roles would go unjudged into every target account.
      const where = `${parent.file}: Resources.${logicalId}.Properties.TemplateBody`;
      if (typeof given === 'string') parseTemplateText(given, where);
      else if (given !== undefined && !isIntrinsic(given)) {
        if (given === null || typeof given !== 'object' || !('Resources' in given)) {
          throw new InputError(`${where}: expected a CloudFormation template (an object with Resources, or its text)`);
        }
        // Held to what a template file is held to (Resources an object, every resource typed, loops resolvable).
        parseTemplateText(JSON.stringify(given), where);
      }
      const body = stackSetBody(resource);
      if (!body) {
        unread.push(
          `StackSet ${logicalId} (${parent.file}): its template is not in the file (TemplateURL, or a body only ` +
            'deployment builds): the roles and ' +
            'policies it deploys to its target accounts are not judged.',
        );
        continue;
      }
      const name = resource.Properties?.StackSetName;
      members.push({
        parent,
        logicalId,
        bodyPath: `Resources.${logicalId}.Properties.TemplateBody`,
        stack: {
          file: parent.file,
          stackName: `StackSet-${typeof name === 'string' ? name : logicalId}`,
          template: body,
          key: `${parent.key}/${logicalId} (stack set)`,
        },
      });
    }
  }
  return { members, unread };
}

export interface MemberAudit {
  readonly findings: Finding[];
  readonly problems: SnapshotProblem[];
  readonly caveats: string[];
  readonly principals: number;
}

/** `file: Resources.X...` said of the body, made a path into the parent's file. */
function intoBody(where: string, member: StackSetMember): string {
  const prefix = `${member.parent.file}: Resources.`;
  return where.startsWith(prefix)
    ? `${member.parent.file}: ${member.bodyPath}.${where.slice(prefix.length - 'Resources.'.length)}`
    : `${where} (in ${member.bodyPath})`;
}

function locatedInBody(location: SourceLocation, member: StackSetMember): SourceLocation {
  return {
    ...location,
    ...(location.jsonPath ? { jsonPath: `${member.bodyPath}.${location.jsonPath}` } : {}),
  };
}

/**
 * One StackSet body audited as a member account, its findings and problems pointing into the StackSet.
 * `rules`: the pack to run (@default the audit's default pack).
 */
export function auditStackSetMember(
  member: StackSetMember,
  config: LeashConfig,
  now: Date,
  catalog: Catalog | undefined,
  rules?: readonly Rule[],
): MemberAudit {
  const read = readTemplates([member.stack], { location: `${member.parent.file}: ${member.bodyPath}` });
  const boundary = withLeashBoundary(read.snapshot, config.guardrails, catalog);
  const audit: AuditResult = auditAccount(boundary.snapshot, { config, now, catalog, ...(rules ? { rules } : {}) });
  const locations = new Map(boundary.snapshot.principals.map((principal) => [principal.arn, principal.location]));
  const findings = audit.findings.map((finding) => {
    const location =
      finding.location ??
      (finding.principalArn ? locations.get(finding.principalArn) : undefined) ??
      (typeof finding.details?.policyArn === 'string'
        ? read.managedPolicyLocations.get(finding.details.policyArn)
        : undefined);
    const where = `StackSet ${member.logicalId} deploys this to each account it targets`;
    return {
      ...finding,
      message: `${finding.message} (${where}.)`,
      ...(location ? { location: locatedInBody(location, member) } : {}),
    };
  });
  return {
    findings,
    problems: [
      ...audit.problems.map((problem) => ({ ...problem, where: intoBody(problem.where, member) })),
      // A rule that failed on the body is said as the account's own failures are (checkReportInput).
      ...audit.stats.failedRules.map((failed) => ({
        where: `rule ${failed.ruleId} on StackSet ${member.logicalId}`,
        message: `check failed: ${failed.message}`,
      })),
    ],
    caveats: [...boundary.caveats, ...audit.caveats].map((caveat) => `StackSet ${member.logicalId}: ${caveat}`),
    principals: audit.stats.principals,
  };
}
