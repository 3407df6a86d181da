import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import { memoryIo, runCli } from '../../lib/cli/program';

const fixture = (name: string) => join(__dirname, '..', 'fixtures', 'templates', name);
const dir = mkdtempSync(join(tmpdir(), 'leash-check-cli-'));

function config(approvedBy: string[], expires = '2099-12-31'): string {
  const file = join(dir, `config-${approvedBy.join('-') || 'none'}-${expires}.json`);
  writeFileSync(
    file,
    JSON.stringify({
      suppressions: [
        {
          ruleId: 'destructive-change',
          logicalId: 'OrdersDatabase',
          reason: 'Renaming the orders database; restored from snapshot in the maintenance window (CHG-42).',
          expires,
          approvedBy,
          changes: [hashes.OrdersDatabase],
        },
        {
          ruleId: 'destructive-change',
          logicalId: 'Sessions',
          reason: 'Sessions move to ElastiCache; the table is empty since CHG-41.',
          expires,
          approvedBy,
          changes: [hashes.Sessions],
        },
      ],
    }),
  );
  return file;
}

async function check(...args: string[]) {
  const io = memoryIo();
  const code = await runCli(['check', ...args], io);
  return { code, out: io.out, err: io.err };
}

const gateArgs = [fixture('database-v2.yaml'), '--baseline', fixture('database-v1.yaml')];

/** The change hash of each destructive finding: an approval names the change it approves. */
const hashes: Record<string, string> = {};
beforeAll(async () => {
  const { out } = await check(...gateArgs, '--format', 'json');
  for (const finding of (
    JSON.parse(out) as { findings: { location?: { logicalId?: string }; details?: { changeHash?: string } }[] }
  ).findings) {
    if (finding.location?.logicalId && finding.details?.changeHash)
      hashes[finding.location.logicalId] = finding.details.changeHash;
  }
});

describe('leash check exit codes', () => {
  it('exits 1 on a wildcard role', async () => {
    const { code, out } = await check(fixture('wildcard-admin.yaml'));
    expect(code).toBe(1);
    expect(out).toContain('AdminRole');
  });

  it('exits 0 with --fail-on none', async () => {
    expect((await check(fixture('wildcard-admin.yaml'), '--fail-on', 'none')).code).toBe(0);
  });

  it('exits 1 when a production database would be replaced and a table deleted', async () => {
    const { code, out } = await check(...gateArgs, '--format', 'json');
    expect(code).toBe(1);
    const report = JSON.parse(out);
    const titles = JSON.stringify(report);
    expect(titles).toContain('Replaces AWS::RDS::DBInstance OrdersDatabase');
    expect(titles).toContain('Deletes AWS::DynamoDB::Table Sessions');
  });

  it('exits 0 when two distinct people approved both changes', async () => {
    const { code } = await check(...gateArgs, '--config', config(['alice', 'bob']));
    expect(code).toBe(0);
  });

  it.each([
    ['one approver', ['alice'], '2099-12-31', /only alice approved it/],
    ['the same approver twice', ['alice', 'alice'], '2099-12-31', /alice is listed 2 times/],
    ['an expired approval', ['alice', 'bob'], '2020-01-01', /expired on 2020-01-01/],
  ])('still exits 1 with %s and says why', async (_name, approvedBy, expires, why) => {
    const { code, out } = await check(...gateArgs, '--config', config(approvedBy, expires), '--format', 'markdown');
    expect(code).toBe(1);
    expect(out).toMatch(why);
  });

  it('counts the findings an expired approval would have covered', async () => {
    const { out } = await check(...gateArgs, '--config', config(['alice', 'bob'], '2020-01-01'), '--format', 'json');
    const expired = JSON.stringify(JSON.parse(out));
    expect(expired).toMatch(/"logicalId":"OrdersDatabase"[^}]*"matched":1/);
  });

  it.each([
    ['a missing input', ['no-such-dir']],
    ['no input at all', []],
    ['an unknown format', [fixture('wildcard-admin.yaml'), '--format', 'xml']],
    ['a broken template', [join(__dirname, 'check-command.test.ts')]],
  ])('exits 2 on %s', async (_name, args) => {
    expect((await check(...args)).code).toBe(2);
  });
});

describe('leash check output', () => {
  it('writes SARIF with the template line of each finding', async () => {
    const output = join(dir, 'check.sarif');
    const { code, err } = await check(...gateArgs, '--format', 'sarif', '--output', output);
    expect(code).toBe(1);
    expect(err).toMatch(/wrote .*check\.sarif \(sarif\)/);
    const sarif = JSON.parse(readFileSync(output, 'utf8'));
    const results = sarif.runs[0].results as {
      ruleId: string;
      locations: { physicalLocation: { region?: { startLine: number } } }[];
    }[];
    expect(sarifSchema()(sarif)).toBe(true);
    const database = results.find((r) => JSON.stringify(r).includes('OrdersDatabase'));
    expect(database?.ruleId).toBe('destructive-change');
    expect(database?.locations[0].physicalLocation.region?.startLine).toBe(2);
  });
});

describe('leash check baselines', () => {
  it('accepts an empty baseline directory as "nothing deployed yet"', async () => {
    const empty = mkdtempSync(join(tmpdir(), 'leash-empty-baseline-'));
    const { code, out } = await check(fixture('database-v1.yaml'), '--baseline', empty, '--format', 'json');
    expect(code).toBe(0);
    expect(out).toContain('treated as new stacks');
  });
});

describe('leash check --baseline-config', () => {
  // The pull request narrows the production values to ["production"], so the topic tagged environment=prod that
  // it deletes is no longer production; the base branch's config still says it is.
  const write = (name: string, value: unknown) => {
    const file = join(dir, name);
    writeFileSync(file, JSON.stringify(value));
    return file;
  };
  const topic = { Type: 'AWS::SNS::Topic', Properties: { Tags: [{ Key: 'environment', Value: 'prod' }] } };
  const before = write('topic-before.json', { Resources: { Alerts: topic } });
  const after = write('topic-after.json', { Resources: {} });
  const narrowed = write('narrowed.json', { guardrails: { production: { values: ['production'] } } });
  const baseConfig = write('base-config.json', {});

  it('passes the deletion when only the narrowed config is read', async () => {
    const { code } = await check(after, '--baseline', before, '--config', narrowed, '--format', 'json');
    expect(code).toBe(0);
  });

  it("judges with the base branch's production values too, and says what the pull request dropped", async () => {
    const { code, out, err } = await check(
      after,
      '--baseline',
      before,
      '--config',
      narrowed,
      '--baseline-config',
      baseConfig,
      '--format',
      'json',
    );
    expect(code).toBe(1);
    const report = JSON.parse(out) as { findings: { ruleId: string; location?: { logicalId?: string } }[] };
    expect(report.findings.map((f) => [f.ruleId, f.location?.logicalId])).toContainEqual([
      'destructive-change',
      'Alerts',
    ]);
    expect(err).toContain('drops from the base branch\'s guardrails.production.values: "prod"');
  });
});

describe('leash check --baseline-config against a pull request that exempts its own role', () => {
  it('judges the role as the base branch does and says what the pull request added', async () => {
    const role = {
      Type: 'AWS::IAM::Role',
      Properties: {
        RoleName: 'agent-ops',
        AssumeRolePolicyDocument: {
          Version: '2012-10-17',
          Statement: [{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }],
        },
        Policies: [
          {
            PolicyName: 'all',
            PolicyDocument: { Version: '2012-10-17', Statement: [{ Effect: 'Allow', Action: '*', Resource: '*' }] },
          },
        ],
      },
    };
    const template = join(dir, 'agent-ops.json');
    writeFileSync(template, JSON.stringify({ Resources: { Ops: role } }));
    const exempting = join(dir, 'exempting.json');
    writeFileSync(
      exempting,
      JSON.stringify({ guardrails: { exemptPrincipalArns: ['arn:aws:iam::*:role/agent-ops'] } }),
    );
    const base = join(dir, 'base-default.json');
    writeFileSync(base, JSON.stringify({}));
    const severities = (out: string) =>
      (JSON.parse(out) as { findings: { ruleId: string; severity: string }[] }).findings
        .filter((f) => f.ruleId === 'can-delete-production')
        .map((f) => f.severity);
    const alone = await check(template, '--config', exempting, '--format', 'json');
    expect(severities(alone.out)).toEqual(['info']);
    const judged = await check(template, '--config', exempting, '--baseline-config', base, '--format', 'json');
    expect(severities(judged.out)).toEqual(['critical']);
    expect(judged.err).toContain(
      'adds to the base branch\'s guardrails.exemptPrincipalArns: "arn:aws:iam::*:role/agent-ops"; judged without it',
    );
  });
});

describe('leash check --baseline-config against a pull request that suppresses its own finding', () => {
  it('keeps the finding failing and says why: the suppression is new and nobody approved it', async () => {
    const silencing = join(dir, 'silencing.json');
    const suppression = {
      ruleId: 'full-admin',
      logicalId: '*',
      reason: 'temporary, until the pipeline is split',
      expires: '2099-12-31',
    };
    writeFileSync(silencing, JSON.stringify({ suppressions: [suppression] }));
    const base = join(dir, 'base-without-suppressions.json');
    writeFileSync(base, JSON.stringify({}));
    const template = fixture('wildcard-admin.yaml');
    const fullAdmin = (out: string) =>
      (JSON.parse(out) as { findings: { ruleId: string; suppressed?: unknown; message: string }[] }).findings.filter(
        (f) => f.ruleId === 'full-admin',
      );
    const alone = await check(template, '--config', silencing, '--format', 'json');
    expect(fullAdmin(alone.out).every((f) => f.suppressed)).toBe(true);
    const judged = await check(template, '--config', silencing, '--baseline-config', base, '--format', 'json');
    expect(judged.code).toBe(1);
    expect(fullAdmin(judged.out).length).toBeGreaterThan(0);
    for (const finding of fullAdmin(judged.out)) {
      expect(finding.suppressed).toBeUndefined();
      expect(finding.message).toContain("suppressions[0] does not apply: it is not in the base branch's config");
    }
  });
});

describe('leash check --baseline-config against a pull request that renames the agent tag', () => {
  it('still judges the role tagged as the base branch names agents as an agent', async () => {
    const template = join(dir, 'tagged-agent.json');
    writeFileSync(
      template,
      JSON.stringify({
        Resources: {
          Agent: {
            Type: 'AWS::IAM::Role',
            Properties: {
              AssumeRolePolicyDocument: {
                Version: '2012-10-17',
                Statement: [
                  { Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' },
                ],
              },
              Tags: [{ Key: 'leash:agent', Value: 'true' }],
              Policies: [
                {
                  PolicyName: 'tables',
                  PolicyDocument: {
                    Version: '2012-10-17',
                    Statement: [{ Effect: 'Allow', Action: 'dynamodb:DeleteTable', Resource: '*' }],
                  },
                },
              ],
            },
          },
        },
      }),
    );
    const renaming = join(dir, 'renaming.json');
    writeFileSync(renaming, JSON.stringify({ guardrails: { agents: { principalTag: { key: 'team', value: 'ai' } } } }));
    const base = join(dir, 'base-agent-tag.json');
    writeFileSync(base, JSON.stringify({}));
    const agentFindings = (out: string) =>
      (JSON.parse(out) as { findings: { ruleId: string }[] }).findings.filter(
        (f) => f.ruleId === 'agent-can-write-production',
      );
    expect(agentFindings((await check(template, '--config', renaming, '--format', 'json')).out)).toEqual([]);
    const judged = await check(template, '--config', renaming, '--baseline-config', base, '--format', 'json');
    expect(agentFindings(judged.out).length).toBeGreaterThan(0);
    expect(judged.err).toContain('guardrails.agents.principalTag: "leash:agent=true"');
  });
});

describe('leash check with a config leash generate refuses', () => {
  it('says so on stderr and in the report instead of reading it in silence', async () => {
    const config = join(dir, 'overlap.json');
    writeFileSync(config, JSON.stringify({ guardrails: { production: { nonProductionValues: ['Production'] } } }));
    const { out, err } = await check(fixture('wildcard-admin.yaml'), '--config', config, '--format', 'json');
    expect(err).toContain('"Production" is also a production value');
    expect(out).toContain('leash generate refuses this config');
  });
});

describe('leash check with a deployed baseline and its stack tags', () => {
  // get-template saves no stack tags: the deployed stack's tags come from <stack>.tags.json beside it (as
  // describe-stacks prints them). Without them, deleting a topic of a production-tagged stack whose tag the
  // same pull request removes passes as non-production.
  const deployed = mkdtempSync(join(tmpdir(), 'leash-deployed-'));
  const next = mkdtempSync(join(tmpdir(), 'leash-next-'));
  writeFileSync(join(deployed, 'Shop.json'), JSON.stringify({ Resources: { Alerts: { Type: 'AWS::SNS::Topic' } } }));
  writeFileSync(join(next, 'Shop.json'), JSON.stringify({ Resources: {} }));

  it('passes without the tags file, and stops the deletion with it', async () => {
    expect((await check(next, '--baseline', deployed, '--format', 'json')).code).toBe(0);
    writeFileSync(join(deployed, 'Shop.tags.json'), JSON.stringify([{ Key: 'environment', Value: 'production' }]));
    const { code, out } = await check(next, '--baseline', deployed, '--format', 'json');
    expect(code).toBe(1);
    const report = JSON.parse(out) as { findings: { location?: { logicalId?: string }; message: string }[] };
    expect(report.findings.find((f) => f.location?.logicalId === 'Alerts')?.message).toMatch(/production/);
  });

  it('refuses a tags file that is not what describe-stacks prints', async () => {
    writeFileSync(join(deployed, 'Shop.tags.json'), JSON.stringify({ environment: 'production' }));
    const { code, err } = await check(next, '--baseline', deployed, '--format', 'json');
    expect(code).toBe(2);
    expect(err).toMatch(/Shop\.tags\.json: expected the stack's tags as \[\{"Key"/);
  });
});

/** The vendored SARIF 2.1.0 schema, loaded as test/audit/report does (draft-04 read as draft-07). */
function sarifSchema() {
  const schema = JSON.parse(readFileSync(join(__dirname, '..', 'fixtures', 'sarif', 'sarif-2.1.0-rtm.5.json'), 'utf8'));
  delete schema.$schema;
  schema.$id = schema.id;
  delete schema.id;
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

describe('leash check JSON report', () => {
  it('matches the published report schema', async () => {
    const { out } = await check(...gateArgs, '--format', 'json');
    const ajv = new Ajv({ strict: true, allErrors: true });
    addFormats(ajv);
    const validate = ajv.compile(
      JSON.parse(readFileSync(join(__dirname, '..', '..', 'docs', 'report.schema.json'), 'utf8')),
    );
    expect(validate(JSON.parse(out)) || validate.errors).toBe(true);
  });
});

describe('leash check with several formats', () => {
  it('writes SARIF, Markdown and JUnit in one run into --output-dir, each as a run of its own would', async () => {
    const outDir = join(dir, 'reports');
    const many = await check(...gateArgs, '--format', 'sarif,markdown,junit', '--output-dir', outDir);
    expect(many.code).toBe(1);
    expect(many.out).toMatch(/^leash check: /);
    for (const [format, ext] of [
      ['sarif', 'sarif'],
      ['markdown', 'md'],
      ['junit', 'junit.xml'],
    ]) {
      const file = join(outDir, `leash-check.${ext}`);
      expect(many.out).toContain(file);
      expect(readFileSync(file, 'utf8')).toBe((await check(...gateArgs, '--format', format)).out);
    }
  });

  it('does not offer ASFF: template findings have no AWS account', async () => {
    const { code, err } = await check(...gateArgs, '--format', 'asff');
    expect(code).toBe(2);
    expect(err).toMatch(/"asff" is not a format\. Allowed: table, json, sarif, markdown, html, junit \(/);
  });
});
