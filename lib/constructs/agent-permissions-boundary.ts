// The agent permissions boundary as a customer managed policy with a fixed name: the generated boundary
// denies editing or detaching itself by ARN, so the deployed name must be the one the generator used.
import { Resource, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { Construct } from 'constructs';
import type { GeneratedPolicy, PolicyDocumentJson } from '../guardrails/types';
import { policySize, POLICY_SIZE_LIMITS } from '../policy';

export interface AgentPermissionsBoundaryProps {
  /** The boundary document, normally `generateGuardrails(spec).boundary`. */
  readonly policy: GeneratedPolicy;

  /**
   * Name of the managed policy. Must be the name the boundary's own statements refer to
   * (`spec.agents.boundaryPolicyName`); a mismatch is a synth error because the self-protection
   * statements would then guard a policy that does not exist.
   *
   * @default policy.name
   */
  readonly managedPolicyName?: string;

  /**
   * Description of the managed policy (at most 1,000 characters).
   *
   * @default policy.description
   */
  readonly description?: string;
}

/** IAM policy names: 1-128 characters of `[\w+=,.@-]`. */
const POLICY_NAME = /^[\w+=,.@-]{1,128}$/;
/** `arn:<partition>:iam::<account or wildcard>:policy/<path/><name>`; account `aws` is AWS managed. */
const POLICY_ARN = /^arn:[^:]*:iam::(\$\{[^}]*\}|[^:]*):policy\/(.+)$/;

/**
 * The permissions boundary every agent role carries, deployed as `AWS::IAM::ManagedPolicy` with the
 * generator's document embedded unchanged (no statement merging, so sizes stay as reported).
 */
/** cfn-lint's "unknown IAM action" warning, suppressed on the boundary (see the constructor). */
export const CFN_LINT_NEWER_ACTIONS = 'W3037';

export class AgentPermissionsBoundary extends Resource implements iam.IManagedPolicy {
  /** Reference to a boundary deployed elsewhere (by the StackSet), by its fixed name in this account. */
  public static fromBoundaryName(scope: Construct, id: string, managedPolicyName: string): iam.IManagedPolicy {
    return iam.ManagedPolicy.fromManagedPolicyName(scope, id, managedPolicyName);
  }

  public readonly managedPolicyArn: string;
  public readonly managedPolicyName: string;
  /** The document as deployed. */
  public readonly document: PolicyDocumentJson;
  /** The L1 resource, for escape hatches. */
  public readonly cfnManagedPolicy: iam.CfnManagedPolicy;

  constructor(scope: Construct, id: string, props: AgentPermissionsBoundaryProps) {
    const managedPolicyName = props.managedPolicyName ?? props.policy.name;
    super(scope, id, { physicalName: managedPolicyName });
    const where = this.node.path;
    if (!POLICY_NAME.test(managedPolicyName)) {
      throw new Error(`${where}: managedPolicyName "${managedPolicyName}" is not a valid IAM policy name`);
    }
    const description = props.description ?? props.policy.description;
    if (description.length > 1000) {
      throw new Error(`${where}: description has ${description.length} characters; IAM allows at most 1,000`);
    }
    const size = policySize(props.policy.document, 'managed');
    const limit = POLICY_SIZE_LIMITS.managed;
    if (size > limit) {
      throw new Error(
        `${where}: boundary policy "${managedPolicyName}" has ${size} characters; a managed policy allows at most ${limit}`,
      );
    }
    // The generated boundary names itself in the statements that stop anyone editing, deleting or
    // detaching it. If it names customer policies but not this one, those statements guard nothing.
    const referenced = referencedPolicyNames(props.policy.document);
    const selfReferenced = [...referenced].some(
      (name) => name === managedPolicyName || name.endsWith(`/${managedPolicyName}`),
    );
    if (referenced.size > 0 && !selfReferenced) {
      throw new Error(
        `${where}: the boundary document protects the policy ${[...referenced].map((n) => `"${n}"`).join(', ')} but is ` +
          `deployed as "${managedPolicyName}"; set managedPolicyName to the spec's agents.boundaryPolicyName`,
      );
    }

    this.managedPolicyName = managedPolicyName;
    this.document = props.policy.document;
    this.cfnManagedPolicy = new iam.CfnManagedPolicy(this, 'Resource', {
      managedPolicyName,
      description,
      policyDocument: props.policy.document,
    });
    // cfn-lint's W3037 ("unknown action") comes from its own copy of the action list, older than the AWS
    // action catalog the generator uses; every pattern of the boundary was verified against that catalog to
    // match at least one action, so an unknown action here is a newer one, never a typo.
    this.cfnManagedPolicy.addMetadata('cfn-lint', { config: { ignore_checks: [CFN_LINT_NEWER_ACTIONS] } });
    this.cfnManagedPolicy.addMetadata('agent-leash', {
      suppressions: {
        [CFN_LINT_NEWER_ACTIONS]:
          'cfn-lint does not know some actions of the AWS Service Authorization Reference this boundary was ' +
          'generated from (its action list is older); each pattern was checked to match catalog actions.',
      },
    });
    // cdk-nag AwsSolutions-IAM5 flags the wildcards of the Allow ceiling. A boundary grants nothing: it
    // caps what agent roles can ever be granted, and its Deny statements take the destructive actions out.
    const reason =
      'Permissions boundary, not a grant: the Allow statement is the ceiling of services agents may use ' +
      '(spec agents.allowedServices); identity policies still grant, and the Deny statements of this ' +
      'boundary remove destructive actions on anything not tagged non-production.';
    Validations.of(this.cfnManagedPolicy).acknowledge(
      ...wildcardFindings(props.policy.document).map((finding) => ({
        id: `AwsSolutions::AwsSolutions-IAM5[${finding}]`,
        reason,
      })),
    );

    this.managedPolicyArn = this.getResourceArnAttribute(this.cfnManagedPolicy.ref, {
      service: 'iam',
      region: '',
      resource: 'policy',
      resourceName: this.physicalName,
    });
  }

  public get managedPolicyRef(): iam.ManagedPolicyReference {
    return { policyArn: this.managedPolicyArn };
  }
}

/**
 * Names of customer managed policies the document refers to by ARN (resources and condition values),
 * e.g. `leash-agent-boundary` from `arn:aws:iam::*:policy/leash-agent-boundary`. Names with wildcards and
 * AWS managed policies are left out.
 */
export function referencedPolicyNames(document: PolicyDocumentJson): Set<string> {
  const names = new Set<string>();
  const collect = (value: unknown): void => {
    if (typeof value === 'string') {
      const match = POLICY_ARN.exec(value);
      if (match && match[1] !== 'aws' && !match[2].includes('*')) names.add(match[2]);
    } else if (Array.isArray(value)) {
      value.forEach(collect);
    } else if (value && typeof value === 'object') {
      Object.values(value).forEach(collect);
    }
  };
  for (const statement of document.Statement) {
    collect(statement.Resource);
    collect(statement.NotResource);
    collect(statement.Condition);
  }
  return names;
}

/** cdk-nag's IAM5 finding keys (`Action::s3:*`, `Resource::*`) for the wildcards of Allow statements. */
function wildcardFindings(document: PolicyDocumentJson): string[] {
  const findings = new Set<string>();
  const strings = (value: unknown): string[] =>
    (Array.isArray(value) ? value : [value]).filter((v): v is string => typeof v === 'string');
  for (const statement of document.Statement) {
    if (statement.Effect !== 'Allow') continue;
    for (const action of strings(statement.Action)) if (action.includes('*')) findings.add(`Action::${action}`);
    for (const resource of strings(statement.Resource))
      if (resource.includes('*')) findings.add(`Resource::${resource}`);
  }
  return [...findings];
}
