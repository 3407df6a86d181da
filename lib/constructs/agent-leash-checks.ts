// The `leash check` rule pack as a cdk-nag NagPack (`agent-leash/cdk-nag`): registered beside AwsSolutionsChecks,
// it reports each finding on the resource it is about, and cdk-nag's acknowledgements
// (`Validations.of(construct).acknowledge({ id: 'AgentLeash-full-admin', reason })`) silence it with a reason.
// This module loads cdk-nag, an optional peer: the package root and the CLI never import it.
import { join, resolve } from 'node:path';
import {
  type CfnResource,
  type IPolicyValidationContext,
  type PolicyValidationPluginReport,
  Stack,
  Stage,
} from 'aws-cdk-lib';
import { NagMessageLevel, NagPack, type NagPackProps, NagRuleCompliance } from 'cdk-nag';
import type { IConstruct } from 'constructs';
import { severityRank } from '../audit/report/common';
import { defaultRules } from '../audit/rules';
import type { Finding, RuleMeta, Severity } from '../audit/rules/types';
import type { Catalog } from '../catalog/types';
import { loadStacks } from '../check/assembly';
import { checkStacks, type CheckResult } from '../check/check';
import { LeashConfig } from '../config/schema';
import { checkedFailOn, stacksOf } from './validation-plugin';

export const AGENT_LEASH_PACK = 'AgentLeash';

export interface AgentLeashChecksProps extends NagPackProps {
  /**
   * Production selector and suppressions, as in leash.config.json.
   *
   * @default - the documented defaults (production = tag `environment` in `production` / `prod`)
   */
  readonly config?: LeashConfig;
  /**
   * Findings at or above this severity are errors (synthesis fails); those below are warnings.
   *
   * @default 'high'
   */
  readonly failOn?: Severity;
  /**
   * What is deployed now (a previous cdk.out, or saved templates): with it, deleting or replacing a stateful or
   * production resource is reported too (rule `AgentLeash-destructive-change`).
   *
   * @default - no change gate
   */
  readonly baseline?: readonly string[];
  /**
   * @default - the bundled catalog
   */
  readonly catalog?: Catalog;
}

/** What one run found, by the resource it is about. */
interface Located {
  readonly byPath: Map<string, Finding[]>;
  readonly byTemplate: Map<string, Finding[]>;
  readonly result: CheckResult;
}

const templateKey = (file: string, logicalId: string) => `${resolve(file)}#${logicalId}`;

/**
 * `Validations.of(app).addPlugins(new AgentLeashChecks(app))`: the agent-leash rules at synth time, with cdk-nag's
 * reporting and acknowledgements. Rule ids are `AgentLeash-<rule>` (e.g. `AgentLeash-can-delete-production`).
 */
export class AgentLeashChecks extends NagPack {
  public readonly name = AGENT_LEASH_PACK;
  private readonly props: AgentLeashChecksProps;
  private located?: Located;
  private reported = new Set<Finding>();
  private readonly rules: ReadonlyMap<string, RuleMeta>;

  constructor(scope?: IConstruct, props: AgentLeashChecksProps = {}) {
    super(scope, props);
    checkedFailOn('AgentLeashChecks', props.failOn);
    this.packName = AGENT_LEASH_PACK;
    this.props = props;
    this.rules = new Map(defaultRules.map((rule) => [rule.meta.id, rule.meta]));
  }

  /** Called by CDK during synthesis: the rules run on the templates CDK hands over, then the tree is walked. */
  public override validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    this.located = this.locate(stacksOf(context.templatePaths));
    try {
      return super.validate(context);
    } finally {
      this.located = undefined;
    }
  }

  /** Direct use (tests, scripts): synthesizes the scope's stage without validation to read its templates. */
  public override validateScope(scope: IConstruct): PolicyValidationPluginReport {
    const ownRun = this.located === undefined;
    if (ownRun) {
      const stage = Stage.isStage(scope) ? scope : Stage.of(scope);
      if (!stage)
        throw new Error(`${scope.node.path || '(root)'}: AgentLeashChecks needs a construct inside an App or Stage`);
      const assembly = stage.synth({ skipValidation: true, force: true });
      this.located = this.locate(loadStacks([assembly.directory]));
    }
    try {
      this.reported = new Set();
      const report = super.validateScope(scope);
      return this.withUnlocated(report);
    } finally {
      if (ownRun) this.located = undefined;
    }
  }

  protected checkResource(node: CfnResource): void {
    const located = this.located;
    if (!located) return;
    const stack = Stack.of(node);
    const logicalId = stack.resolve(node.logicalId) as string;
    const stage = Stage.of(stack);
    const file = stage ? join(stage.outdir, stack.templateFile) : stack.templateFile;
    const findings = [
      ...(located.byPath.get(node.node.path) ?? []),
      ...(located.byTemplate.get(templateKey(file, logicalId)) ?? []),
    ].filter((finding, index, all) => all.indexOf(finding) === index);
    const byRule = new Map<string, Finding[]>();
    for (const finding of findings) {
      const list = byRule.get(finding.ruleId) ?? [];
      list.push(finding);
      byRule.set(finding.ruleId, list);
    }
    for (const [ruleId, list] of byRule) {
      list.forEach((finding) => this.reported.add(finding));
      const worst = list.reduce((a, b) => (severityRank(b.severity) < severityRank(a.severity) ? b : a));
      const meta = this.rules.get(ruleId);
      const compliance = () => NagRuleCompliance.NON_COMPLIANT;
      Object.defineProperty(compliance, 'name', { value: ruleId });
      this.applyRule({
        ruleSuffixOverride: ruleId,
        info: `[${worst.severity}] ${list.map((f) => f.message).join(' ')}`,
        explanation: meta ? `${meta.title}. ${meta.help} ${meta.docsUrl}` : (worst.remediation ?? ''),
        level: this.isError(worst) ? NagMessageLevel.ERROR : NagMessageLevel.WARN,
        node,
        rule: compliance,
      });
    }
  }

  private isError(finding: Finding): boolean {
    return severityRank(finding.severity) <= severityRank(this.props.failOn ?? 'high');
  }

  private locate(stacks: ReturnType<typeof loadStacks>): Located {
    const baseline =
      this.props.baseline && this.props.baseline.length > 0
        ? loadStacks(this.props.baseline, { allowEmpty: true })
        : undefined;
    const result = checkStacks(stacks, baseline, 'cdk synth', {
      config: this.props.config ?? LeashConfig.parse({}),
      catalog: this.props.catalog,
    });
    const byPath = new Map<string, Finding[]>();
    const byTemplate = new Map<string, Finding[]>();
    const add = (map: Map<string, Finding[]>, key: string, finding: Finding) => {
      const list = map.get(key) ?? [];
      list.push(finding);
      map.set(key, list);
    };
    // Suppressed by leash.config.json: cdk-nag shows only what is open.
    for (const finding of result.findings.filter((f) => !f.suppressed)) {
      const location = finding.location;
      if (location?.cdkPath) add(byPath, location.cdkPath.replace(/^\//, ''), finding);
      if (location?.logicalId) add(byTemplate, templateKey(location.file, location.logicalId), finding);
    }
    return { byPath, byTemplate, result };
  }

  /**
   * Findings no resource of the tree carries (an account-level finding, a template resource without a construct)
   * are not dropped: each failing one becomes a violation of the pack itself, named with its template location.
   */
  private withUnlocated(report: PolicyValidationPluginReport): PolicyValidationPluginReport {
    const located = this.located;
    if (!located) return report;
    const open = located.result.findings.filter((f) => !f.suppressed && !this.reported.has(f));
    const failing = open.filter((f) => this.isError(f));
    const violations = [
      ...report.violations,
      ...failing.map((finding) => ({
        ruleName: `${AGENT_LEASH_PACK}-${finding.ruleId}`,
        description: `[${finding.severity}] ${finding.message} (not on a construct of this app: ${
          finding.location
            ? `${finding.location.file}${finding.location.logicalId ? `#${finding.location.logicalId}` : ''}`
            : (finding.principalArn ?? 'no location')
        })`,
        severity: 'error',
        violatingResources: [
          {
            resourceLogicalId: finding.location?.logicalId ?? '',
            templatePath: finding.location ? resolve(finding.location.file) : '',
            locations: [],
          },
        ],
      })),
    ];
    return {
      ...report,
      // Warnings (findings below failOn) are shown without failing synthesis.
      success: violations.every((v) => v.severity !== 'error' && v.severity !== 'fatal'),
      violations,
      metadata: {
        ...(report.metadata ?? {}),
        findings: String(located.result.findings.length),
        ...(open.length > failing.length ? { warningsWithoutConstruct: String(open.length - failing.length) } : {}),
        ...(located.result.audit.problems.length > 0
          ? { problems: located.result.audit.problems.map((p) => `${p.where}: ${p.message}`).join('\n') }
          : {}),
      },
    };
  }
}
