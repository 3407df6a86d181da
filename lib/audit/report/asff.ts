// AWS Security Finding Format (ASFF): the findings as the JSON list `aws securityhub batch-import-findings
// --findings file://...` takes (at most 100 per call), for Security Hub and the tools that read it. Finding ids are
// stable from run to run (rule, account and subject), so a new import updates a finding instead of adding one.
import { prettyJsonChunks, lazyMap } from '../../util/json-chunks';
import { sha256 } from '../../util/sha256';
import type { Finding, Severity } from '../findings';
import { subjectOf } from './common';
import { jsonVisible } from './terminal-text';
import type { ReportInput } from './types';

export const ASFF_SCHEMA_VERSION = '2018-10-08';

export interface AsffOptions {
  /** Region of the Security Hub the findings go to: part of each finding's ProductArn. */
  readonly region: string;
  /** CreatedAt / UpdatedAt of every finding. */
  readonly now: Date;
}

export class AsffError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'AsffError';
  }
}

const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
const ACCOUNT = /^\d{12}$/;

const LABEL: Record<Severity, string> = {
  critical: 'CRITICAL',
  high: 'HIGH',
  medium: 'MEDIUM',
  low: 'LOW',
  info: 'INFORMATIONAL',
};

/** Security Hub's limits on these fields (characters); longer text is cut with an ellipsis. */
const LIMITS = { title: 256, description: 1024, recommendation: 512, productFieldValue: 1024 } as const;

function cut(text: string, limit: number): string {
  if (text.length <= limit) return text;
  // Never half a character: a cut between the two halves of a surrogate pair (an emoji, a mathematical letter in
  // a tag value) leaves invalid Unicode in the finding.
  const end = /[\uD800-\uDBFF]/.test(text[limit - 2]) ? limit - 2 : limit - 1;
  return `${text.slice(0, end)}…`;
}

function partitionOf(arn: string | undefined): string {
  const match = /^arn:(aws(?:-[a-z]+)*):/.exec(arn ?? '');
  return match ? match[1] : 'aws';
}

/** The ASFF resource type of an IAM ARN (AwsIamRole, AwsIamUser, ...), or Other. */
function resourceOf(finding: Finding, region: string): Record<string, unknown> {
  const arn = finding.principalArn ?? (typeof finding.details?.policyArn === 'string' ? finding.details.policyArn : '');
  const kind = /^arn:[^:]+:iam::\d*:(role|user|group|policy)\//.exec(arn)?.[1];
  const type = kind
    ? { role: 'AwsIamRole', user: 'AwsIamUser', group: 'AwsIamGroup', policy: 'AwsIamPolicy' }[kind]
    : finding.accountId && !arn
      ? 'AwsAccount'
      : 'Other';
  const id = arn || (finding.accountId ? `AWS::::Account:${finding.accountId}` : subjectOf(finding));
  return { Type: type, Id: id, Partition: partitionOf(arn), Region: region };
}

function typesOf(finding: Finding): string[] {
  const types = ['Software and Configuration Checks/AWS Security Best Practices'];
  if (finding.category === 'privilege-escalation') types.push('TTPs/Privilege Escalation');
  return types;
}

function asffFinding(finding: Finding, id: string, options: AsffOptions): Record<string, unknown> {
  const account = finding.accountId as string;
  const time = options.now.toISOString();
  const resource = resourceOf(finding, options.region);
  const partition = resource.Partition as string;
  const recommendation = finding.remediation ?? finding.docsUrl;
  const productFields: Record<string, string> = {
    'agent-leash/RuleId': finding.ruleId,
    'agent-leash/Category': finding.category,
    'agent-leash/Subject': cut(subjectOf(finding), LIMITS.productFieldValue),
  };
  finding.evidence.slice(0, 10).forEach((e, i) => {
    const index = e.statementIndex !== undefined ? ` Statement[${e.statementIndex}]` : '';
    productFields[`agent-leash/Evidence/${i}`] = cut(`${e.policyKind} ${e.policy}${index}`, LIMITS.productFieldValue);
  });
  return {
    SchemaVersion: ASFF_SCHEMA_VERSION,
    Id: id,
    ProductArn: `arn:${partition}:securityhub:${options.region}:${account}:product/${account}/default`,
    GeneratorId: `agent-leash/${finding.ruleId}`,
    AwsAccountId: account,
    Types: typesOf(finding),
    CreatedAt: time,
    UpdatedAt: time,
    Severity: { Label: LABEL[finding.severity], Original: finding.severity },
    Title: cut(finding.title, LIMITS.title),
    Description: cut(finding.message, LIMITS.description),
    ...(recommendation
      ? {
          Remediation: {
            Recommendation: {
              Text: cut(recommendation, LIMITS.recommendation),
              ...(finding.docsUrl ? { Url: finding.docsUrl } : {}),
            },
          },
        }
      : {}),
    ...(finding.docsUrl ? { SourceUrl: finding.docsUrl } : {}),
    ProductFields: productFields,
    Resources: [resource],
    Workflow: { Status: finding.suppressed ? 'SUPPRESSED' : 'NEW' },
    RecordState: 'ACTIVE',
  };
}

/** A stable id per (rule, account, subject); a second finding of the same key gets `/2`, and so on. */
function findingIds(findings: readonly Finding[]): string[] {
  const seen = new Map<string, number>();
  return findings.map((finding) => {
    const key = JSON.stringify([finding.ruleId, finding.accountId, subjectOf(finding)]);
    const count = (seen.get(key) ?? 0) + 1;
    seen.set(key, count);
    const digest = sha256(key, 'hex').slice(0, 32);
    return `agent-leash/${finding.ruleId}/${digest}${count > 1 ? `/${count}` : ''}`;
  });
}

/** Refuses what Security Hub would reject: no region, or findings without an account. */
export function checkAsffInput(input: ReportInput, region: string | undefined): string {
  if (!region) {
    throw new AsffError(
      'asff: the Security Hub region is needed for each finding’s ProductArn: pass --security-hub-region or set AWS_REGION',
    );
  }
  if (!REGION.test(region)) throw new AsffError(`asff: ${JSON.stringify(region)} is not an AWS Region name`);
  const without = input.findings.filter((f) => !f.accountId || !ACCOUNT.test(f.accountId)).length;
  if (without > 0) {
    throw new AsffError(
      `asff: ${without} finding(s) carry no AWS account id (template findings of leash check have none); ` +
        'ASFF needs one per finding',
    );
  }
  return region;
}

/** The findings as an ASFF list, in pieces (each finding made as it is written). */
export function asffChunks(input: ReportInput, options: AsffOptions): Generator<string> {
  checkAsffInput(input, options.region);
  const ids = findingIds(input.findings);
  return (function* () {
    for (const chunk of prettyJsonChunks(lazyMap(input.findings, (f, i) => asffFinding(f, ids[i], options))))
      yield jsonVisible(chunk);
    yield '\n';
  })();
}
