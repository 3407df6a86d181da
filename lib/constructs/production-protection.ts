// An Aspect for application stacks that run production: nothing stateful is deleted or replaced by a
// template change, the stack cannot be deleted by accident, and every role and user it creates carries the
// agent permissions boundary (or the synth fails, naming the construct).
import {
  Annotations,
  AspectPriority,
  Aspects,
  CfnDeletionPolicy,
  CfnResource,
  type IAspect,
  NestedStack,
  RemovalPolicy,
  Stack,
} from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type { IConstruct } from 'constructs';
import { defaultGuardrailSpec } from '../guardrails/spec';
import { renderResource } from './rendered';
import { isStatefulResourceType } from './stateful-resource-types';

/** What to do with a role or user that has no permissions boundary. */
export enum MissingBoundary {
  /** Attach the agent boundary. */
  ATTACH = 'attach',
  /** Leave it, and fail the synth with an error on the construct. */
  ERROR = 'error',
}

export interface ProductionProtectionProps {
  /**
   * Name of the boundary managed policy every role and user must carry (in the stack's own account).
   *
   * @default 'leash-agent-boundary' (the spec default, `agents.boundaryPolicyName`)
   */
  readonly boundaryPolicyName?: string;

  /**
   * Roles and users without a boundary: attach it, or report an error.
   *
   * @default MissingBoundary.ATTACH
   */
  readonly missingBoundary?: MissingBoundary;

  /**
   * Set DeletionPolicy and UpdateReplacePolicy to Retain on stateful resources (isStatefulResourceType: the
   * types `leash check` gates as stateful, and STATEFUL_RESOURCE_TYPES). An explicit Delete/Snapshot is
   * overridden, with a warning.
   *
   * @default true
   */
  readonly retainStatefulResources?: boolean;

  /**
   * More CloudFormation types to treat as stateful, e.g. `AWS::Glue::Database`.
   *
   * @default - none
   */
  readonly additionalStatefulResourceTypes?: readonly string[];

  /**
   * Turn on stack termination protection.
   *
   * @default true
   */
  readonly terminationProtection?: boolean;
}

/**
 * Protects a production stack. Apply with `ProductionProtection.protect(stack)`, or add it with
 * `Aspects.of(stack).add(new ProductionProtection(), { priority: AspectPriority.MUTATING })`.
 *
 * Roles and users that already carry a different boundary are always errors: the agent boundary is the
 * one the SCPs and the audit expect. Service-linked roles cannot carry a boundary and are reported as
 * warnings (SCPs do not apply to them either). In ATTACH mode the boundary also lands on roles that
 * constructs create for themselves (custom resource providers, log retention functions): the boundary's
 * allow ceiling (`agents.allowedServices`) must then cover what those roles do, or use ERROR mode and
 * decide role by role.
 *
 * Checks run at validation time, after every aspect (PermissionsBoundary.of(...) is one), on the resource
 * as it will be synthesized, escape-hatch overrides included; violations are Annotations errors, which
 * make `cdk synth` fail with each construct path listed.
 */
export class ProductionProtection implements IAspect {
  /** Add the aspect to `scope` (a stack or a stage) with the priority for mutating aspects. */
  public static protect(scope: IConstruct, props: ProductionProtectionProps = {}): ProductionProtection {
    const aspect = new ProductionProtection(props);
    Aspects.of(scope).add(aspect, { priority: AspectPriority.MUTATING });
    return aspect;
  }

  private readonly boundaryPolicyName: string;
  private readonly missingBoundary: MissingBoundary;
  private readonly registered = new WeakMap<CfnResource, Set<string>>();

  constructor(private readonly props: ProductionProtectionProps = {}) {
    this.boundaryPolicyName = props.boundaryPolicyName ?? defaultGuardrailSpec().agents.boundaryPolicyName;
    this.missingBoundary = props.missingBoundary ?? MissingBoundary.ATTACH;
  }

  public visit(node: IConstruct): void {
    if (Stack.isStack(node)) {
      if ((this.props.terminationProtection ?? true) && !(node instanceof NestedStack))
        node.terminationProtection = true;
      return;
    }
    if (!CfnResource.isCfnResource(node)) return;
    if (node instanceof iam.CfnRole || node instanceof iam.CfnUser) {
      this.checkBoundary(node);
    } else if (node.cfnResourceType === 'AWS::IAM::ServiceLinkedRole') {
      Annotations.of(node).addWarningV2(
        'leash:service-linked-role',
        'service-linked roles cannot carry a permissions boundary, and SCPs do not apply to them',
      );
    }
    if (
      (this.props.retainStatefulResources ?? true) &&
      isStatefulResourceType(node.cfnResourceType, this.props.additionalStatefulResourceTypes)
    ) {
      this.retain(node);
    }
  }

  private retain(resource: CfnResource): void {
    const rendered = renderResource(resource);
    const weaker = [rendered.DeletionPolicy, rendered.UpdateReplacePolicy].filter(
      (p) => p !== undefined && p !== CfnDeletionPolicy.RETAIN,
    );
    if (weaker.length > 0) {
      Annotations.of(resource).addWarningV2(
        'leash:retain-overridden',
        `production stateful resource ${resource.cfnResourceType}: DeletionPolicy/UpdateReplacePolicy ${weaker.join('/')} replaced by Retain`,
      );
    }
    resource.applyRemovalPolicy(RemovalPolicy.RETAIN);
    // An escape-hatch override would still win over applyRemovalPolicy; pin both, then check what renders.
    resource.addOverride('DeletionPolicy', CfnDeletionPolicy.RETAIN);
    resource.addOverride('UpdateReplacePolicy', CfnDeletionPolicy.RETAIN);
    this.validateOnce(resource, 'retain', () => {
      const after = renderResource(resource);
      if (after.DeletionPolicy !== 'Retain' || after.UpdateReplacePolicy !== 'Retain') {
        Annotations.of(resource).addError(
          `production stateful resource ${resource.cfnResourceType} must keep DeletionPolicy and UpdateReplacePolicy ` +
            `Retain (found ${after.DeletionPolicy ?? 'none'}/${after.UpdateReplacePolicy ?? 'none'})`,
        );
      }
    });
  }

  private checkBoundary(principal: iam.CfnRole | iam.CfnUser): void {
    const kind = principal instanceof iam.CfnRole ? 'role' : 'user';
    if (
      this.missingBoundary === MissingBoundary.ATTACH &&
      renderResource(principal).Properties?.PermissionsBoundary === undefined
    ) {
      principal.permissionsBoundary = Stack.of(principal).formatArn({
        service: 'iam',
        region: '',
        resource: 'policy',
        resourceName: this.boundaryPolicyName,
      });
    }
    // Judged after every aspect (PermissionsBoundary.of(...) is one) has run, on what will be synthesized.
    this.validateOnce(principal, 'boundary', () => {
      const boundary = renderResource(principal).Properties?.PermissionsBoundary;
      if (boundary === undefined) {
        Annotations.of(principal).addError(
          `production ${kind} has no permissions boundary; attach the agent boundary "${this.boundaryPolicyName}" ` +
            '(iam.PermissionsBoundary.of(scope).apply(...)) or use ProductionProtection with MissingBoundary.ATTACH',
        );
        return;
      }
      const name = boundaryPolicyName(principal, boundary);
      if (name !== this.boundaryPolicyName) {
        Annotations.of(principal).addError(
          `production ${kind} carries the permissions boundary ${name === undefined ? '(unrecognised)' : `"${name}"`} ` +
            `instead of the agent boundary "${this.boundaryPolicyName}"`,
        );
      }
    });
  }

  /**
   * Run `check` once per resource at validation time, after all aspects. It reports through
   * Annotations (errors fail `cdk synth` and list every violation at once) rather than throwing.
   */
  private validateOnce(resource: CfnResource, name: string, check: () => void): void {
    const done = this.registered.get(resource) ?? new Set<string>();
    if (done.has(name)) return;
    done.add(name);
    this.registered.set(resource, done);
    resource.node.addValidation({
      validate: () => {
        check();
        return [];
      },
    });
  }
}

/**
 * Name of the managed policy a role or user uses as boundary: from a literal or joined ARN, or from the
 * AWS::IAM::ManagedPolicy resource it references in the same stack.
 */
function boundaryPolicyName(principal: iam.CfnRole | iam.CfnUser, resolved: unknown): string | undefined {
  const stack = Stack.of(principal);
  const text = joinedText(resolved);
  if (text !== undefined) {
    const match = /:policy\/(?:.*\/)?([^/]+)$/.exec(text);
    return match ? match[1] : undefined;
  }
  const ref = (resolved as { Ref?: unknown } | undefined)?.Ref;
  if (typeof ref === 'string') {
    const policy = stack.node
      .findAll()
      .find((c): c is iam.CfnManagedPolicy => c instanceof iam.CfnManagedPolicy && stack.resolve(c.logicalId) === ref);
    return policy?.managedPolicyName;
  }
  return undefined;
}

/** The text of a string or an Fn::Join of strings and pseudo parameters (each shown as `{}`). */
function joinedText(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  const join = (value as { 'Fn::Join'?: [string, unknown[]] } | undefined)?.['Fn::Join'];
  if (!join) return undefined;
  const parts = join[1].map((part) =>
    typeof part === 'string' ? part : (part as { Ref?: string }).Ref?.startsWith('AWS::') ? '{}' : undefined,
  );
  return parts.every((p) => p !== undefined) ? parts.join(join[0]) : undefined;
}
