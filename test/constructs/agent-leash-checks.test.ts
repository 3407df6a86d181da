// The rule pack as a cdk-nag NagPack: findings on the resources they are about, errors at or above failOn,
// warnings below, and cdk-nag's acknowledgements silencing a rule on a construct.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { App, Stack, Validations } from 'aws-cdk-lib';
import { AccountRootPrincipal, PolicyStatement, Role, ServicePrincipal } from 'aws-cdk-lib/aws-iam';
import { AwsSolutionsChecks } from 'cdk-nag';
import { loadCatalog } from '../../lib/catalog';
import { AgentLeashChecks, type AgentLeashChecksProps } from '../../lib/constructs/agent-leash-checks';

const catalog = loadCatalog();
const root = mkdtempSync(join(tmpdir(), 'leash-nag-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** An app with an administrator role (critical full-admin) and a role without boundary (lower severities). */
function wildApp(name: string): { app: App; admin: Role } {
  const app = new App({ outdir: join(root, name), context: { 'aws:cdk:enable-path-metadata': true } });
  const stack = new Stack(app, 'AgentStack');
  const admin = new Role(stack, 'AgentRole', { assumedBy: new AccountRootPrincipal() });
  admin.addToPolicy(new PolicyStatement({ actions: ['*'], resources: ['*'] }));
  new Role(stack, 'Reader', { assumedBy: new ServicePrincipal('lambda.amazonaws.com') }).addToPolicy(
    new PolicyStatement({ actions: ['s3:GetObject'], resources: ['*'] }),
  );
  return { app, admin };
}

function synthError(app: App): string {
  try {
    app.synth();
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}

function pack(app: App, props: AgentLeashChecksProps = {}): AgentLeashChecks {
  return new AgentLeashChecks(app, { catalog, ...props });
}

interface NagReport {
  pluginReports: {
    pluginName: string;
    conclusion: string;
    violations: { ruleName: string; severity: string; violatingConstructs: { constructPath: string }[] }[];
  }[];
}

const reportOf = (name: string): NagReport =>
  JSON.parse(readFileSync(join(root, name, 'validation-report.json'), 'utf8')) as NagReport;

describe('AgentLeashChecks (cdk-nag NagPack)', () => {
  it('refuses a failOn that is not a severity, which would otherwise fail nothing', () => {
    expect(() => new AgentLeashChecks(undefined, { failOn: 'hgih' } as unknown as AgentLeashChecksProps)).toThrow(
      'AgentLeashChecks: failOn must be one of critical, high, medium, low, info; got "hgih"',
    );
  });

  it('runs beside AwsSolutionsChecks, reports a wildcard role on its construct by AgentLeash rule id, and fails synthesis', () => {
    const { app } = wildApp('wild');
    Validations.of(app).addPlugins(new AwsSolutionsChecks(app), pack(app));
    const message = synthError(app);
    expect(message).toContain("Acknowledge with 'AgentLeash::AgentLeash-full-admin'");
    expect(message).toContain('AgentStack/AgentRole/Resource');
    const report = reportOf('wild');
    expect(report.pluginReports.map((r) => r.pluginName).sort()).toEqual(['AgentLeash', 'AwsSolutions']);
    const leash = report.pluginReports.find((r) => r.pluginName === 'AgentLeash')!;
    expect(leash.conclusion).toBe('failure');
    const admin = leash.violations.find((v) => v.ruleName === 'AgentLeash-full-admin')!;
    expect(admin.severity).toBe('error');
    expect(admin.violatingConstructs.map((r) => r.constructPath)).toEqual(['AgentStack/AgentRole/Resource']);
    // The read-only Lambda role has nothing at or above high: it is not named in an error.
    const errors = leash.violations.filter((v) => v.severity === 'error');
    expect(errors.flatMap((v) => v.violatingConstructs.map((r) => r.constructPath))).not.toContain(
      'AgentStack/Reader/Resource',
    );
  });

  it('makes findings below failOn warnings (validateScope, as cdk-nag packs are tested)', () => {
    const { app } = wildApp('lenient');
    const report = pack(app, { failOn: 'critical' }).validateScope(app);
    const severities = new Map(report.violations.map((v) => [v.ruleName, v.severity]));
    expect(severities.get('AgentLeash-full-admin')).toBe('error');
    expect(severities.get('AgentLeash-privilege-escalation')).toBe('warning');
    expect(severities.get('AgentLeash-missing-boundary')).toBe('warning');
    expect(report.violations.every((v) => v.ruleName.startsWith('AgentLeash-'))).toBe(true);
  });

  it("lets cdk-nag's acknowledgement with a reason silence a rule on the construct, and only that rule", () => {
    const { app, admin } = wildApp('acknowledged');
    Validations.of(admin).acknowledge({
      id: 'AgentLeash::AgentLeash-full-admin',
      reason: 'break-glass role, MFA-gated, reviewed by security',
    });
    Validations.of(app).addPlugins(pack(app));
    const message = synthError(app);
    expect(message).not.toContain("'AgentLeash::AgentLeash-full-admin'");
    expect(message).toContain("'AgentLeash::AgentLeash-privilege-escalation'");
    const leash = reportOf('acknowledged').pluginReports.find((r) => r.pluginName === 'AgentLeash')!;
    expect(leash.violations.map((v) => v.ruleName)).not.toContain('AgentLeash-full-admin');
  });
});
