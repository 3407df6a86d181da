import { readFileSync } from 'node:fs';
import Ajv from 'ajv';
import addFormats from 'ajv-formats';
import {
  REPORT_FORMATS,
  renderReport,
  reportChunks,
  reportDocument,
  SARIF_MAX_RESULTS,
  sarifLog,
  sarifResultsLeftOut,
} from '../../../lib/audit/report';
import { MARKDOWN_MAX_CHARS, renderMarkdown } from '../../../lib/audit/report/markdown';
import type { Finding } from '../../../lib/audit/rules/types';
import { auditFinding, reportInput, suppressedFinding, templateFinding } from './fixtures';

const readJson = (file: string) => JSON.parse(readFileSync(file, 'utf8'));

interface SarifResultJson {
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string } } }[];
  properties: { severity: string };
  suppressions?: unknown[];
}

function sarifValidator() {
  // The vendored schema declares draft-04; ajv reads it as draft-07 (see test/fixtures/sarif/README.md).
  const schema = readJson('test/fixtures/sarif/sarif-2.1.0-rtm.5.json');
  delete schema.$schema;
  schema.$id = schema.id;
  delete schema.id;
  // The schema's `language` pattern is not a valid Unicode-mode regular expression; ajv must compile it without `u`.
  const ajv = new Ajv({ strict: false, allErrors: true, unicodeRegExp: false });
  addFormats(ajv);
  return ajv.compile(schema);
}

function reportValidator() {
  const ajv = new Ajv({ strict: true, allErrors: true });
  addFormats(ajv);
  return ajv.compile(readJson('docs/report.schema.json'));
}

describe('renderReport', () => {
  // ASFF needs the Security Hub region, and an AWS account on every finding (the template finding has none).
  const options = { asff: { region: 'eu-west-1', now: new Date('2026-01-01T00:00:00Z') } };
  const inputFor = (format: string) =>
    format === 'asff' ? { ...reportInput, findings: reportInput.findings.filter((f) => f.accountId) } : reportInput;

  it.each(REPORT_FORMATS)('renders %s for an empty result', (format) => {
    const empty = { ...reportInput, findings: [], notAudited: [], expiredSuppressions: [] };
    const text = renderReport(empty, format, options);
    expect(text.length).toBeGreaterThan(0);
  });

  it.each(REPORT_FORMATS)('gives the same %s text in pieces as whole', (format) => {
    const input = inputFor(format);
    const chunks = [...reportChunks(input, format, options)];
    expect(chunks.join('')).toBe(renderReport(input, format, options));
    if (format !== 'markdown') expect(chunks.length).toBeGreaterThan(input.findings.length);
  });

  it('writes JSON and SARIF piece by piece as exactly the text of their documents', () => {
    expect(renderReport(reportInput, 'json')).toBe(JSON.stringify(reportDocument(reportInput), null, 2) + '\n');
    expect(renderReport(reportInput, 'sarif')).toBe(JSON.stringify(sarifLog(reportInput), null, 2) + '\n');
  });

  describe('json', () => {
    const validate = reportValidator();
    const report = JSON.parse(renderReport(reportInput, 'json'));

    it('is valid against docs/report.schema.json', () => {
      expect(validate(report) ? [] : validate.errors).toEqual([]);
    });

    it('carries the schema version, the tool and every finding with rule, category, severity and evidence', () => {
      expect(report).toMatchObject({ schemaVersion: 1, tool: { name: 'leash audit', version: '0.1.0' } });
      expect(report.findings[0]).toMatchObject({
        ruleId: 'can-delete-production',
        category: 'production-destruction',
        severity: 'critical',
        principalArn: auditFinding.principalArn,
        evidence: [{ policyKind: 'managed' }],
      });
      expect(report.summary).toEqual({
        findings: 2,
        suppressed: 1,
        bySeverity: { critical: 1, high: 1, medium: 0, low: 0, info: 0 },
        accounts: 1,
        notAudited: 1,
        partial: true,
      });
    });

    it('fails validation when a finding loses its severity (the schema test can fail)', () => {
      const broken = JSON.parse(JSON.stringify(report));
      delete broken.findings[0].severity;
      expect(validate(broken)).toBe(false);
    });
  });

  describe('sarif', () => {
    const validate = sarifValidator();
    const log = JSON.parse(renderReport(reportInput, 'sarif'));
    const results = log.runs[0].results;

    it('is valid SARIF 2.1.0', () => {
      expect(validate(log) ? [] : validate.errors).toEqual([]);
    });

    it('rejects an invalid log (the schema is really applied)', () => {
      expect(validate({ ...log, version: '2.0.0' })).toBe(false);
    });

    it('lists every rule from its metadata and points results at them', () => {
      const rules = log.runs[0].tool.driver.rules;
      expect(rules.map((r: { id: string }) => r.id)).toContain('can-delete-production');
      for (const result of results) expect(rules[result.ruleIndex].id).toBe(result.ruleId);
    });

    it('locates an account finding at a path of its account and principal, a template finding at the file and logical id', () => {
      expect(results[0].locations[0]).toEqual({
        physicalLocation: { artifactLocation: { uri: 'aws/111122223333/role/agent-ops' } },
        logicalLocations: [{ name: 'role/agent-ops', fullyQualifiedName: auditFinding.principalArn, kind: 'resource' }],
      });
      expect(results[1].locations[0]).toEqual({
        physicalLocation: { artifactLocation: { uri: 'cdk.out/App%20Stack.template.json' } },
        logicalLocations: [{ name: 'DeployRole1234', fullyQualifiedName: 'App/DeployRole/Resource', kind: 'resource' }],
      });
    });

    it('maps severities to SARIF levels and keeps suppressions', () => {
      expect(results.map((r: { level: string }) => r.level)).toEqual(['error', 'error', 'error']);
      expect(results[2].suppressions).toEqual([
        { kind: 'external', justification: `${suppressedFinding.suppressed?.reason} (until 2099-01-01)` },
      ]);
    });

    it('records accounts that were not audited as a failed invocation', () => {
      expect(log.runs[0].invocations[0].executionSuccessful).toBe(false);
    });

    it('gives every result a physical location with a relative URI, as GitHub code scanning requires', () => {
      const policyFinding: Finding = {
        ...auditFinding,
        principalArn: undefined,
        details: { policyArn: 'arn:aws:iam::aws:policy/job-function/Billing Admin' },
      };
      const accountFinding: Finding = { ...auditFinding, principalArn: undefined, details: {} };
      const { runs } = JSON.parse(
        renderReport(
          { ...reportInput, findings: [policyFinding, accountFinding, { ...accountFinding, accountId: undefined }] },
          'sarif',
        ),
      );
      expect(runs[0].results.map((r: SarifResultJson) => r.locations[0].physicalLocation.artifactLocation.uri)).toEqual(
        ['aws/111122223333/policy/job-function/Billing%20Admin', 'aws/111122223333', 'aws/unknown-account'],
      );
    });

    describe("over GitHub code scanning's 25,000 results per run", () => {
      // 10 suppressed critical, then 24,995 high, then 10 critical: 25,015 findings, 15 too many.
      const findings: Finding[] = [
        ...Array.from({ length: 10 }, () => suppressedFinding),
        ...Array.from({ length: SARIF_MAX_RESULTS - 5 }, (_, i) => ({
          ...auditFinding,
          severity: 'high' as const,
          message: `high ${i}`,
        })),
        ...Array.from({ length: 10 }, () => auditFinding),
      ];
      const big = JSON.parse(renderReport({ ...reportInput, findings, notAudited: [] }, 'sarif'));
      const kept: SarifResultJson[] = big.runs[0].results;

      it('keeps the most severe 25,000, open before suppressed, in their order', () => {
        expect(kept).toHaveLength(SARIF_MAX_RESULTS);
        expect(kept.filter((r) => r.properties.severity === 'critical' && !r.suppressions)).toHaveLength(10);
        expect(kept.filter((r) => r.suppressions)).toHaveLength(10);
        // The 15 left out are the last high findings: high sorts after every critical one, suppressed or not.
        expect(kept.filter((r) => r.properties.severity === 'high').at(-1)?.message.text).toMatch(/^high 24979\b/);
        expect(kept[0].suppressions).toBeDefined();
        expect(sarifResultsLeftOut(findings)).toBe(15);
      });

      it('says what it left out in a warning notification, and the run still succeeded', () => {
        expect(big.runs[0].invocations).toEqual([
          {
            executionSuccessful: true,
            toolExecutionNotifications: [
              {
                level: 'warning',
                message: {
                  text: '15 of 25015 findings left out, the least severe: GitHub code scanning rejects a run of more than 25000 results. The JSON report holds every finding.',
                },
              },
            ],
          },
        ]);
        expect(validate(big) ? [] : validate.errors).toEqual([]);
      });
    });
  });

  describe('table', () => {
    const text = renderReport(reportInput, 'table');

    it('groups findings under their principal, worst first', () => {
      expect(text.indexOf('role/agent-ops')).toBeLessThan(text.indexOf('App Stack.template.json#DeployRole1234'));
      expect(text).toContain('role/leash-break-glass');
      expect(text).toContain('[suppressed until 2099-01-01: break-glass by design, MFA-gated]');
    });

    it('shows rule ids and long ARNs whole, however long', () => {
      const arn = 'arn:aws:iam::072528804237:role/aws-service-role/stacksets.cloudformation.amazonaws.com/Admin';
      const long = renderReport(
        {
          ...reportInput,
          findings: [{ ...auditFinding, ruleId: 'trust-cross-account-no-external-id', message: `trusts ${arn}` }],
        },
        'table',
      );
      expect(long).toContain('│ trust-cross-account-no-external-id │');
      expect(long).not.toContain('…');
      expect(long.replace(/[│\s]/g, '')).toContain(arn);
    });

    it('prints caveats, input problems, expired suppressions, unaudited accounts and the totals', () => {
      expect(text).toContain('note: Service control policies were not read.');
      expect(text).toContain('authz.json: Policies[2]: no default version');
      expect(text).toContain('Expired suppression: missing-boundary');
      expect(text).toContain('Not audited: 444455556666 (sandbox): AccessDenied');
      expect(text).toContain('leash audit: 1 critical, 1 high (1 suppressed). Partial: 1 account(s) not audited.');
    });
  });

  describe('markdown', () => {
    const text = renderReport(reportInput, 'markdown');

    it('starts with the totals and a severity table', () => {
      expect(text.split('\n')[0]).toBe('## leash audit: 1 critical, 1 high (1 suppressed)');
      expect(text).toContain('| 1 | 1 | 0 | 0 | 0 |');
    });

    it('escapes pipes inside cells and links rules to their docs', () => {
      expect(text).toContain('rds:DeleteDBInstance \\| s3:DeleteBucket');
      expect(text).toContain(`[can-delete-production](${auditFinding.docsUrl})`);
      expect(text).toContain(`\`${templateFinding.location?.file}#DeployRole1234\``);
    });

    it('lists suppressed findings apart and warns about the partial result', () => {
      expect(text).toContain('<summary>Suppressed findings</summary>');
      expect(text).toContain('**Partial result:**');
    });

    describe("within GitHub's 65,536 characters of a comment", () => {
      const long = 'can delete or recreate production resources. '.repeat(40);
      const huge = renderReport(
        {
          ...reportInput,
          findings: [
            ...Array.from({ length: 140 }, (_, i) => ({
              ...auditFinding,
              principalArn: `${auditFinding.principalArn}-${i}`,
              message: long,
            })),
            ...Array.from({ length: 3000 }, () => suppressedFinding),
          ],
          notAudited: Array.from({ length: 2000 }, (_, i) => ({
            accountId: String(100000000000 + i),
            reason: 'AccessDenied',
          })),
          expiredSuppressions: Array.from({ length: 2000 }, () => ({
            ruleId: 'full-admin',
            reason: 'old',
            expires: '2020-01-01',
            matched: 1,
          })),
        },
        'markdown',
      );

      it('cuts every long list to fit and says how many it left out', () => {
        expect(huge.length).toBeLessThanOrEqual(MARKDOWN_MAX_CHARS);
        expect(huge.length).toBeGreaterThan(MARKDOWN_MAX_CHARS - 2500);
        expect(huge).toMatch(/^> - … and \d+ more$/m);
        expect(huge).toMatch(/^_… and \d+ more; see the JSON or SARIF report\._$/m);
        // The totals still count everything.
        expect(huge.split('\n')[0]).toBe('## leash audit: 140 critical (3000 suppressed)');
      });

      it('closes what it opens even when cut', () => {
        const cut = renderMarkdown(
          {
            ...reportInput,
            findings: Array.from({ length: 3000 }, () => suppressedFinding),
            notAudited: [],
            expiredSuppressions: [],
          },
          4000,
        );
        expect(cut.length).toBeLessThanOrEqual(4000);
        expect(cut).toMatch(/- … and \d+ more\n\n<\/details>\n$/);
      });
    });
  });
});
