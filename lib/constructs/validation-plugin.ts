// The `leash check` rules as a CDK policy validation plugin, so `cdk synth` itself fails on a wildcard role
// (and, given a baseline, on replacing a production database), with construct paths in the report.
import { dirname, resolve } from 'node:path';
import type {
  IPolicyValidationContext,
  IPolicyValidationPlugin,
  PolicyValidationPluginReport,
  PolicyViolation,
} from 'aws-cdk-lib';
import type { Finding, Severity } from '../audit/rules/types';
import { severityRank } from '../audit/report/common';
import { SEVERITIES } from '../audit/findings';
import type { Catalog } from '../catalog/types';
import { loadStacks, type LoadedStack } from '../check/assembly';
import { checkStacks } from '../check/check';
import { LeashConfig } from '../config/schema';

export interface LeashValidationPluginProps {
  /**
   * Production selector and suppressions, as in leash.config.json.
   *
   * @default - the documented defaults (production = tag `environment` in `production` / `prod`)
   */
  readonly config?: LeashConfig;
  /**
   * Synthesis fails when a finding is at or above this severity; findings below it are not reported.
   *
   * @default 'high'
   */
  readonly failOn?: Severity;
  /**
   * What is deployed now (a previous cdk.out, or templates saved with `aws cloudformation get-template`).
   * When given, the change gate runs too: deleting or replacing a stateful or production resource fails.
   *
   * @default - no change gate, only the rules on the IAM in the templates
   */
  readonly baseline?: readonly string[];
  /**
   * @default - the bundled catalog
   */
  readonly catalog?: Catalog;
}

/**
 * Register with `Validations.of(app).addPlugins(new LeashValidationPlugin())` (the deprecated
 * `new App({ policyValidationBeta1: [...] })` takes it too).
 */
export class LeashValidationPlugin implements IPolicyValidationPlugin {
  public readonly name = 'agent-leash';
  public readonly version?: string;
  private readonly props: LeashValidationPluginProps;

  constructor(props: LeashValidationPluginProps = {}) {
    checkedFailOn('LeashValidationPlugin', props.failOn);
    this.props = props;
  }

  public validate(context: IPolicyValidationContext): PolicyValidationPluginReport {
    const stacks = stacksOf(context.templatePaths);
    const baseline =
      this.props.baseline && this.props.baseline.length > 0
        ? loadStacks(this.props.baseline, { allowEmpty: true })
        : undefined;
    const result = checkStacks(stacks, baseline, 'cdk synth', {
      config: this.props.config ?? LeashConfig.parse({}),
      catalog: this.props.catalog,
    });
    const threshold = severityRank(this.props.failOn ?? 'high');
    const failing = result.findings.filter(
      (finding) => !finding.suppressed && severityRank(finding.severity) <= threshold,
    );
    const violations = failing.filter((finding) => finding.location?.logicalId).map(violationOf);
    const unlocated = failing.length - violations.length;
    return {
      success: failing.length === 0,
      violations,
      metadata: {
        templates: String(stacks.length),
        findings: String(result.findings.length),
        ...(unlocated > 0 ? { findingsWithoutTemplateLocation: String(unlocated) } : {}),
        ...(result.audit.problems.length > 0
          ? { problems: result.audit.problems.map((problem) => `${problem.where}: ${problem.message}`).join('\n') }
          : {}),
      },
    };
  }
}

/**
 * `failOn` as given, refused when it is not a severity. A JavaScript caller, or a value read from cdk.json
 * context, can hand over anything, and an unknown severity ranks below every finding: nothing would ever
 * fail synthesis, the gate gone without a word.
 */
export function checkedFailOn(owner: string, failOn: unknown): Severity {
  if (failOn === undefined) return 'high';
  if (typeof failOn === 'string' && (SEVERITIES as readonly string[]).includes(failOn)) return failOn as Severity;
  throw new Error(
    `${owner}: failOn must be one of ${SEVERITIES.join(', ')}; got ${JSON.stringify(failOn) ?? String(failOn)}`,
  );
}

function violationOf(finding: Finding): PolicyViolation {
  const location = finding.location;
  // `Resources.Id.Properties.Policies[0]` → `Properties/Policies/0`, the form CDK reports locations in.
  const inside = location?.jsonPath?.replace(/^Resources\.[^.]+\.?/, '') ?? '';
  return {
    ruleName: finding.ruleId,
    description: finding.message,
    severity: finding.severity,
    fix: finding.remediation ?? finding.docsUrl,
    violatingResources: [
      {
        resourceLogicalId: location?.logicalId ?? '',
        templatePath: resolve(location?.file ?? ''),
        locations: inside
          ? [
              inside
                .replace(/\[(\d+)\]/g, '.$1')
                .split('.')
                .join('/'),
            ]
          : [],
      },
    ],
    ruleMetadata: {
      category: finding.category,
      ...(location?.cdkPath ? { constructPath: location.cdkPath } : {}),
      ...(finding.principalArn ? { principalArn: finding.principalArn } : {}),
    },
  };
}

/**
 * The stacks CDK asks about, read through their cloud assemblies (for nested stacks and construct paths).
 * A stage's assembly sits inside the app's, so each template is kept once.
 */
export function stacksOf(templatePaths: readonly string[]): LoadedStack[] {
  const wanted = new Set(templatePaths.map((path) => resolve(path)));
  const byFile = new Map<string, LoadedStack>();
  for (const directory of new Set(templatePaths.map((path) => dirname(resolve(path))))) {
    for (const stack of loadStacks([directory])) {
      if (!byFile.has(resolve(stack.file))) byFile.set(resolve(stack.file), stack);
    }
  }
  const kept = new Set<string>();
  const stacks: LoadedStack[] = [];
  for (const stack of byFile.values()) {
    const keep =
      wanted.has(resolve(stack.file)) || (stack.nestedIn !== undefined && kept.has(stack.nestedIn.parentKey));
    if (!keep) continue;
    kept.add(stack.key);
    stacks.push(stack);
  }
  return stacks;
}
