// Puts the agent boundary (and optionally agent roles) into every member account of the given OUs with a
// service-managed StackSet. The member template is synthesized from the same constructs the per-account
// stack uses, in an isolated App, and embedded as TemplateBody.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, DefaultStackSynthesizer, Stack, Token } from 'aws-cdk-lib';
import * as cloudformation from 'aws-cdk-lib/aws-cloudformation';
import { Construct } from 'constructs';
import type { Catalog } from '../catalog/types';
import type { GuardrailSpec } from '../guardrails/spec';
import type { GeneratedPolicy } from '../guardrails/types';
import { AgentAccountResources, type AgentRoleDefinition } from './agent-account-resources';

/** CloudFormation quota for an inline TemplateBody, in bytes. */
export const TEMPLATE_BODY_LIMIT = 51_200;

/** Whether the StackSet is managed from the management account or a delegated administrator. */
export enum StackSetCallAs {
  SELF = 'SELF',
  DELEGATED_ADMIN = 'DELEGATED_ADMIN',
}

export interface AgentBoundaryStackSetProps {
  readonly spec: GuardrailSpec;

  /** The boundary document, normally `generateGuardrails(spec).boundary`. */
  readonly boundary: GeneratedPolicy;

  /** OUs (or the root id) whose accounts get the boundary, now and when they join later. */
  readonly organizationalUnitIds: readonly string[];

  /**
   * The one Region the stack instances run in. IAM is global: a second Region would try to create the
   * same named policy again and fail.
   */
  readonly region: string;

  /**
   * Agent roles to create in every account next to the boundary.
   *
   * @default - none; the boundary only
   */
  readonly agentRoles?: readonly AgentRoleDefinition[];

  /**
   * Create the GitHub Actions OIDC provider in every account.
   *
   * @default false
   */
  readonly createGitHubOidcProvider?: boolean;

  /**
   * Name of the StackSet.
   *
   * @default 'leash-agent-boundary'
   */
  readonly stackSetName?: string;

  /**
   * `DELEGATED_ADMIN` when this stack is deployed in a CloudFormation StackSets delegated administrator
   * account instead of the management account.
   *
   * @default StackSetCallAs.SELF
   */
  readonly callAs?: StackSetCallAs;

  /**
   * Keep the boundary (and roles) in an account that leaves the targeted OUs. Deleting a boundary that
   * roles still use fails in IAM, and an account moving between OUs should not lose its guardrail.
   *
   * @default true
   */
  readonly retainStacksOnAccountRemoval?: boolean;

  /**
   * Action catalog for the agent role grant checks.
   *
   * @default loadCatalog()
   */
  readonly catalog?: Catalog;
}

const STACK_SET_NAME = /^[a-zA-Z][-a-zA-Z0-9]{0,127}$/;
const OU_OR_ROOT = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32})$/;

/** A service-managed StackSet that deploys the agent boundary into every account of the given OUs. */
export class AgentBoundaryStackSet extends Construct {
  public readonly stackSet: cloudformation.CfnStackSet;
  /** The member-account template, as embedded. */
  public readonly memberTemplate: Record<string, unknown>;
  /** Size of the embedded TemplateBody in bytes. */
  public readonly templateBodyBytes: number;

  constructor(scope: Construct, id: string, props: AgentBoundaryStackSetProps) {
    super(scope, id);
    const where = this.node.path;
    const stackSetName = props.stackSetName ?? 'leash-agent-boundary';
    if (!STACK_SET_NAME.test(stackSetName)) {
      throw new Error(
        `${where}: stackSetName "${stackSetName}" must start with a letter and hold only letters, digits and -`,
      );
    }
    if (props.organizationalUnitIds.length === 0) {
      throw new Error(
        `${where}: organizationalUnitIds is empty; name the OUs (or the root) whose accounts get the boundary`,
      );
    }
    for (const ou of props.organizationalUnitIds) {
      if (!Token.isUnresolved(ou) && !OU_OR_ROOT.test(ou)) {
        throw new Error(`${where}: "${ou}" is not an OU id (ou-...-...) or root id (r-...); StackSets target OUs`);
      }
    }
    if (!Token.isUnresolved(props.region) && !/^[a-z]{2}(-[a-z]+)+-\d$/.test(props.region)) {
      throw new Error(`${where}: region "${props.region}" is not an AWS Region name`);
    }

    this.memberTemplate = synthesizeMemberTemplate(where, props);
    const templateBody = JSON.stringify(this.memberTemplate);
    this.templateBodyBytes = Buffer.byteLength(templateBody, 'utf8');
    if (this.templateBodyBytes > TEMPLATE_BODY_LIMIT) {
      throw new Error(
        `${where}: the member template is ${this.templateBodyBytes} bytes; an inline TemplateBody allows at most ` +
          `${TEMPLATE_BODY_LIMIT}: create fewer agent roles through the StackSet and the rest per account`,
      );
    }

    const retain = props.retainStacksOnAccountRemoval ?? true;
    this.stackSet = new cloudformation.CfnStackSet(this, 'Resource', {
      stackSetName,
      description: `agent-leash: the agent permissions boundary ${props.spec.agents.boundaryPolicyName} in every member account`,
      permissionModel: 'SERVICE_MANAGED',
      callAs: props.callAs ?? StackSetCallAs.SELF,
      autoDeployment: { enabled: true, retainStacksOnAccountRemoval: retain },
      capabilities: ['CAPABILITY_NAMED_IAM'],
      managedExecution: { Active: true },
      operationPreferences: {
        regionConcurrencyType: 'PARALLEL',
        maxConcurrentPercentage: 25,
        failureTolerancePercentage: 0,
      },
      stackInstancesGroup: [
        {
          deploymentTargets: { organizationalUnitIds: [...props.organizationalUnitIds] },
          regions: [props.region],
        },
      ],
      templateBody,
    });
  }
}

/**
 * Synthesize the member-account stack in an App of its own (so nothing leaks into the outer assembly) and
 * return its template. The App writes to a private temporary directory that is removed afterwards.
 */
function synthesizeMemberTemplate(where: string, props: AgentBoundaryStackSetProps): Record<string, unknown> {
  const outdir = mkdtempSync(join(tmpdir(), 'leash-stackset-'));
  try {
    const app = new App({
      outdir,
      autoSynth: false,
      analyticsReporting: false,
      context: { 'aws:cdk:enable-path-metadata': false, 'aws:cdk:version-reporting': false },
    });
    const stack = new Stack(app, 'LeashAgentAccount', {
      synthesizer: new DefaultStackSynthesizer({ generateBootstrapVersionRule: false }),
      description: 'agent-leash agent permissions boundary (deployed by a StackSet)',
    });
    let artifact;
    try {
      new AgentAccountResources(stack, 'Agents', {
        spec: props.spec,
        boundary: props.boundary,
        agentRoles: props.agentRoles,
        createGitHubOidcProvider: props.createGitHubOidcProvider,
        catalog: props.catalog,
      });
      artifact = app.synth().getStackByName(stack.stackName);
    } catch (err) {
      throw new Error(`${where}: the member template does not synthesize: ${(err as Error).message}`);
    }
    const errors = artifact.messages.filter((message) => message.level === 'error');
    if (errors.length > 0) {
      const lines = errors.map((message) => `${message.id}: ${String(message.entry.data)}`);
      throw new Error(`${where}: the member template has errors:\n${lines.join('\n')}`);
    }
    return artifact.template as Record<string, unknown>;
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}
