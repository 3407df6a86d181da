// The HTML reports opened in a real browser (headless Chromium): what a reader sees, what the filters and pages
// do, that text from policies never becomes markup, and that opening the file requests nothing but itself.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { renderCoverageHtml, renderReport, type ReportInput } from '../../../lib/audit/report';
import type { Finding } from '../../../lib/audit/rules/types';
import { defaultGuardrailSpec, generateGuardrails } from '../../../lib/guardrails';
import { browserAvailable, CHROMIUM, launchChromium } from '../../support/browser';
import { auditFinding, reportInput } from './fixtures';

const withBrowser = browserAvailable() ? describe : describe.skip;
if (!browserAvailable()) {
  console.warn(`HTML report browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install chromium)`);
}

const dir = mkdtempSync(join(tmpdir(), 'leash-html-'));

/** 120 principals with one medium finding each, the fixtures' findings, and a path and a hostile message. */
function bigInput(): ReportInput {
  const many: Finding[] = Array.from({ length: 120 }, (_, i) => ({
    ...auditFinding,
    ruleId: 'missing-boundary',
    severity: 'medium',
    title: 'No permissions boundary',
    message: `role ${i} has no boundary`,
    principalArn: `arn:aws:iam::111122223333:role/team-${String(i).padStart(3, '0')}`,
  }));
  const hostile: Finding = {
    ...auditFinding,
    ruleId: 'privilege-escalation',
    severity: 'high',
    title: 'Can escalate',
    message: '<img src="https://example.invalid/x.png" onerror="window.__owned=1"><script>window.__owned=2</script>',
    principalArn: 'arn:aws:iam::111122223333:role/ci-runner',
    evidence: [
      {
        policy: 'inline:ci',
        policyKind: 'inline',
        statementIndex: 3,
        sid: '</script><b>x',
        statement: { Effect: 'Allow', Action: 'iam:PassRole', Resource: '*' },
      },
    ],
    details: {
      path: [
        {
          from: 'arn:aws:iam::111122223333:role/ci-runner',
          to: 'arn:aws:iam::111122223333:role/deployer',
          via: 'sts:AssumeRole',
        },
        {
          from: 'arn:aws:iam::111122223333:role/deployer',
          to: 'arn:aws:iam::111122223333:role/admin',
          via: 'iam:PassRole + lambda:CreateFunction',
        },
      ],
    },
  };
  return { ...reportInput, findings: [...reportInput.findings, ...many, hostile] };
}

/** The page's document, typed just enough (the project compiles without the DOM library). */
type PageGlobal = { document: { querySelector(selector: string): { textContent: string | null } | null } };

/** The principal filter waits 150 ms for typing to stop. A function predicate: the report's CSP forbids eval. */
async function statusStartsWith(page: Page, text: string): Promise<void> {
  await page.waitForFunction(
    (prefix) =>
      (
        (globalThis as unknown as PageGlobal).document.querySelector('[data-role=status]')?.textContent ?? ''
      ).startsWith(prefix),
    text,
  );
}

async function open(browser: Browser, file: string): Promise<{ page: Page; requests: string[] }> {
  const page = await browser.newPage();
  const requests: string[] = [];
  const errors: string[] = [];
  page.on('request', (request) => requests.push(request.url()));
  page.on('pageerror', (error) => errors.push(error.message));
  await page.goto(pathToFileURL(file).href);
  await page.waitForSelector('body[data-ready]');
  expect(errors).toEqual([]);
  expect(await page.getAttribute('body', 'data-ready')).toBe('true');
  return { page, requests };
}

withBrowser('HTML report in Chromium', () => {
  let browser: Browser;
  const auditFile = join(dir, 'audit.html');
  beforeAll(async () => {
    writeFileSync(auditFile, renderReport(bigInput(), 'html'));
    browser = await launchChromium();
  });
  afterAll(async () => {
    await browser?.close();
  });

  it('shows the totals, the partial audit, caveats and one page of 50 principals, and requests nothing', async () => {
    const { page, requests } = await open(browser, auditFile);
    expect(await page.textContent('h1')).toBe('leash audit: 1 critical, 2 high, 120 medium (1 suppressed)');
    expect(await page.textContent('[data-role=partial]')).toContain('444455556666 (sandbox): AccessDenied');
    expect(await page.textContent('[data-role=context]')).toContain('Service control policies were not read.');
    expect(await page.textContent('[data-role=status]')).toBe('124 of 124 finding(s) in 124 principal(s) match');
    expect(await page.locator('section.group').count()).toBe(50);
    // Worst first: the critical principal heads the first page.
    expect(await page.locator('section.group').first().getAttribute('data-subject')).toBe(auditFinding.principalArn);
    expect(requests).toEqual([pathToFileURL(auditFile).href]);
    await page.close();
  });

  it('pages through the principals', async () => {
    const { page } = await open(browser, auditFile);
    await page.locator('[data-role=next]').first().click();
    expect(await page.locator('[data-role=page]').first().textContent()).toBe('page 2 of 3');
    await page.locator('[data-role=next]').first().click();
    expect(await page.locator('section.group').count()).toBe(24);
    await page.close();
  });

  it('filters by severity, rule, principal and suppression', async () => {
    const { page } = await open(browser, auditFile);
    await page.locator('input[data-severity=medium]').uncheck();
    expect(await page.textContent('[data-role=status]')).toBe('4 of 124 finding(s) in 4 principal(s) match');
    await page.locator('input[data-role=suppressed]').uncheck();
    expect(await page.textContent('[data-role=status]')).toBe('3 of 124 finding(s) in 3 principal(s) match');
    await page.locator('input[data-severity=medium]').check();
    await page.selectOption('[data-role=rule]', 'missing-boundary');
    expect(await page.textContent('[data-role=status]')).toBe('120 of 124 finding(s) in 120 principal(s) match');
    await page.fill('[data-role=principal]', 'team-04');
    await statusStartsWith(page, '10 of');
    expect(await page.locator('section.group').count()).toBe(10);
    // The severity cards toggle the same filter.
    await page.selectOption('[data-role=rule]', '');
    await page.fill('[data-role=principal]', '');
    await page.click('button[data-severity=medium]');
    await statusStartsWith(page, '3 of');
    expect(await page.isChecked('input[data-severity=medium]')).toBe(false);
    await page.close();
  });

  it('shows the evidence statements of a finding and draws its reachability path', async () => {
    const { page } = await open(browser, auditFile);
    const group = page.locator('section.group[data-subject="arn:aws:iam::111122223333:role/ci-runner"]');
    await group.locator('[data-role=evidence] summary').click();
    // The evidence is drawn by the details element's toggle event, which the browser fires as a task after the
    // click: wait for its last part instead of reading at once.
    await group.locator('[data-role=evidence] [data-role=details]').waitFor();
    const evidence = await group.locator('[data-role=evidence]').textContent();
    expect(evidence).toContain('inline inline:ci · Statement[3] · Sid </script><b>x');
    expect(evidence).toContain('"Action": "iam:PassRole"');
    expect(await group.locator('[data-role=details]').textContent()).toContain('"via": "sts:AssumeRole"');
    const nodes = await group
      .locator('[data-role=path] svg g[data-node]')
      .evaluateAll((gs) => gs.map((g) => g.getAttribute('data-node')));
    expect(nodes).toEqual([
      'arn:aws:iam::111122223333:role/ci-runner',
      'arn:aws:iam::111122223333:role/deployer',
      'arn:aws:iam::111122223333:role/admin',
    ]);
    expect(await group.locator('[data-role=path] svg').textContent()).toContain('sts:AssumeRole');
    await page.close();
  });

  it('shows text from the findings as text: no element, script or request comes from it', async () => {
    const { page, requests } = await open(browser, auditFile);
    const group = page.locator('section.group[data-subject="arn:aws:iam::111122223333:role/ci-runner"]');
    expect(await group.locator('.message').textContent()).toContain('<img src="https://example.invalid/x.png"');
    expect(await page.locator('main img, main script').count()).toBe(0);
    expect(await page.evaluate('typeof window.__owned')).toBe('undefined');
    expect(requests).toEqual([pathToFileURL(auditFile).href]);
    await page.close();
  });

  it('shows direction overrides, invisible marks and control characters in names as visible escapes', async () => {
    const file = join(dir, 'reversed.html');
    const principalArn = 'arn:aws:iam::111122223333:role/admin\u202Egnp.exe';
    const finding: Finding = {
      ...auditFinding,
      principalArn,
      message: 'trusts ops\u200B-team\nand\x1b[8mhidden',
      evidence: [{ ...auditFinding.evidence[0], sid: 'Allow\u202Eall' }],
    };
    writeFileSync(file, renderReport({ ...reportInput, findings: [finding] }, 'html'));
    const { page } = await open(browser, file);
    const group = page.locator('section.group').first();
    // Without the escape the heading reads `…role/adminexe.png`.
    expect(await group.locator('h3').textContent()).toContain('role/admin\\u{202e}gnp.exe');
    expect(await group.locator('.message').textContent()).toBe('trusts ops\\u{200b}-team\\u{a}and\\u{1b}[8mhidden');
    await group.locator('[data-role=evidence] summary').click();
    await group.locator('[data-role=evidence] pre').first().waitFor();
    expect(await group.locator('[data-role=evidence]').textContent()).toContain('Sid Allow\\u{202e}all');
    // A statement keeps its own line breaks.
    expect(await group.locator('[data-role=evidence] pre').first().textContent()).toContain('{\n  "Effect": "Allow"');
    await page.close();
  });

  it('shows the coverage report of leash generate: totals, caveats and the actions not protected, and why', async () => {
    const coverage = generateGuardrails(defaultGuardrailSpec()).coverage;
    const file = join(dir, 'coverage.html');
    writeFileSync(file, renderCoverageHtml(coverage, { name: 'leash generate', version: '0.1.0' }));
    const { page, requests } = await open(browser, file);
    const unprotected = coverage.actions.filter((a) => !a.protectedForEveryone);
    expect(await page.textContent('[data-role=coverage-cards]')).toContain(
      `${unprotected.length.toLocaleString('en-US')}not protected for everyone`,
    );
    expect(await page.textContent('[data-role=status]')).toBe(
      `${unprotected.length.toLocaleString('en-US')} action(s)`,
    );
    expect(await page.textContent('main')).toContain(coverage.caveats[0]);
    const first = unprotected[0];
    await page.fill('[data-role=action]', first.action);
    const row = page.locator('[data-role=results] tbody tr', { hasText: first.action }).first();
    expect(await row.textContent()).toContain(first.reason);
    await page.selectOption('[data-role=which]', 'all');
    await page.fill('[data-role=action]', '');
    expect(await page.textContent('[data-role=status]')).toBe(
      `${coverage.actions.length.toLocaleString('en-US')} action(s)`,
    );
    expect(requests).toEqual([pathToFileURL(file).href]);
    await page.close();
  });
});
