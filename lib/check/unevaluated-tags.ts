// Production tags AWS does not evaluate: S3 reads a general purpose bucket's tags in IAM only when the bucket's
// attribute-based access control (ABAC) is enabled, which it is not by default. A bucket tagged production
// without it is protected by no tag deny of the SCPs or RCPs, whatever leash generated.
import type { Finding, RuleMeta } from '../audit/rules/types';
import type { ProductionSelector } from '../guardrails/spec';
import type { LoadedStack } from './assembly';
import { changeHash } from './change-hash';
import { productionTagOf } from './production-tag';

export const TAGS_NOT_EVALUATED_RULE: RuleMeta = {
  id: 'production-tag-not-evaluated',
  category: 'tag-tamper',
  severity: 'high',
  title: 'A production-tagged S3 bucket whose tags IAM does not evaluate',
  help:
    "S3 evaluates a general purpose bucket's tags in IAM (aws:ResourceTag, s3:BucketTag) only once attribute-based " +
    'access control is enabled on the bucket, and it is off by default. Until then the production SCPs and RCPs, ' +
    'which deny on the production tag, do not protect the bucket. Set `AbacStatus: Enabled` on it (CDK: ' +
    "`bucket.node.defaultChild.addPropertyOverride('AbacStatus', 'Enabled')`), then manage its tags with " +
    's3:TagResource and s3:UntagResource, or name it in guardrails.production.arns.',
  docsUrl: 'https://github.com/agent-leash/agent-leash/blob/main/docs/ci.md#tags-aws-does-not-evaluate',
};

/** One finding per production-tagged general purpose bucket of the checked templates without ABAC enabled. */
export function tagsNotEvaluatedFindings(stacks: readonly LoadedStack[], production: ProductionSelector): Finding[] {
  const findings: Finding[] = [];
  for (const stack of stacks) {
    for (const [logicalId, resource] of Object.entries(stack.template.Resources ?? {})) {
      if (resource?.Type !== 'AWS::S3::Bucket') continue;
      const abac = resource.Properties?.AbacStatus;
      if (abac === 'Enabled') continue;
      const productionTag = productionTagOf([resource], [stack.stackTags], production);
      if (!productionTag) continue;
      const state =
        abac === undefined
          ? 'AbacStatus is not set (off by default)'
          : typeof abac === 'string'
            ? `AbacStatus is ${JSON.stringify(abac)}`
            : 'AbacStatus is decided at deployment';
      const hash = changeHash(stack.key, logicalId, null, { abacStatus: abac ?? null, productionTag });
      findings.push({
        ruleId: TAGS_NOT_EVALUATED_RULE.id,
        category: TAGS_NOT_EVALUATED_RULE.category,
        severity: TAGS_NOT_EVALUATED_RULE.severity,
        title: `Production bucket ${logicalId} is not protected by its tag`,
        message:
          `In stack ${stack.displayName}, bucket ${logicalId} is tagged ${productionTag} but ${state}: S3 ignores ` +
          'its tags in IAM, so no production tag deny of the SCPs or RCPs protects it. Set AbacStatus: Enabled. ' +
          `Change ${hash}.`,
        location: {
          file: stack.file,
          logicalId,
          cdkPath: stack.cdkPaths?.get(logicalId),
          jsonPath: `Resources.${logicalId}.Properties`,
        },
        evidence: [{ policy: `template:${stack.key}`, policyKind: 'template', note: state }],
        details: {
          stack: stack.key,
          logicalId,
          resourceType: resource.Type,
          productionTag,
          abacStatus: abac ?? null,
          changeHash: hash,
        },
        remediation: 'Set AbacStatus: Enabled on the bucket, or list its ARN in guardrails.production.arns.',
        docsUrl: TAGS_NOT_EVALUATED_RULE.docsUrl,
      });
    }
  }
  return findings;
}
