// The resource differences of two templates, by @aws-cdk/cloudformation-diff (the library behind `cdk diff`),
// without the IAM and security group summaries its TemplateDiff also makes. leash reads neither: the audit rules
// judge a template's IAM themselves, and report a malformed statement with its JSON path. Those summaries throw
// on input CloudFormation would reject (a statement that is `true` or a number, an AWS::IAM::Policy without
// PolicyDocument), and the whole diff, the deletions and replacements the gate reads included, went with them.
import { fullDiff, type TemplateDiff } from '@aws-cdk/cloudformation-diff';

interface SummaryModule {
  [name: string]: unknown;
}

/** The library's module at `path`, whose exports are swapped below (an import would be read-only). */
function libraryModule(path: string): SummaryModule {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return require(`@aws-cdk/cloudformation-diff/lib/${path}`) as SummaryModule;
}

const iamChanges = libraryModule('iam/iam-changes');
const securityGroupChanges = libraryModule('network/security-group-changes');

const RealIamChanges = iamChanges.IamChanges as { IamPropertyScrutinies: unknown; IamResourceScrutinies: unknown };
if (typeof RealIamChanges !== 'function' || typeof securityGroupChanges.SecurityGroupChanges !== 'function') {
  // A version that moved them: fail at load, where a test sees it, rather than diff with the summaries on.
  throw new Error(
    '@aws-cdk/cloudformation-diff: IamChanges or SecurityGroupChanges not where resource-diff.ts expects',
  );
}

/** Stands in for both summaries: TemplateDiff's constructor reads the scrutiny lists and makes one of each. */
class NoSummary {
  static readonly IamPropertyScrutinies = RealIamChanges.IamPropertyScrutinies;
  static readonly IamResourceScrutinies = RealIamChanges.IamResourceScrutinies;
  readonly hasChanges = false;
  readonly permissionsBroadened = false;
  readonly rulesAdded = false;
}

/**
 * fullDiff of the two templates with the summaries swapped out for the call (and put back after it, so any
 * other user of the library in this process gets them).
 */
export function resourceDiff(before: object, after: object): TemplateDiff {
  const iam = iamChanges.IamChanges;
  const securityGroups = securityGroupChanges.SecurityGroupChanges;
  iamChanges.IamChanges = NoSummary;
  securityGroupChanges.SecurityGroupChanges = NoSummary;
  try {
    return fullDiff(before as never, after as never);
  } finally {
    iamChanges.IamChanges = iam;
    securityGroupChanges.SecurityGroupChanges = securityGroups;
  }
}
