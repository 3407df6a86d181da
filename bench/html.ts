// HTML report benchmark: audits a generated account (default 10,000 roles), writes the HTML report as the CLI does,
// then opens it in headless Chromium and times what a reader does: the first page, a rule filter, a principal
// search, the next page, opening a finding's evidence. Prints the file size, the browser's JS heap and each time.
//   node dist/bench/html.js [--roles N] [--chromium /usr/bin/chromium]
import { closeSync, mkdtempSync, openSync, statSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium, type Page } from 'playwright-core';
import { auditAccount } from '../lib/audit/audit';
import { auditReportInput, reportChunks } from '../lib/audit/report';
import { parseAuthorizationDetails } from '../lib/audit/sources/authorization-details';
import { loadCatalog } from '../lib/catalog';
import { generateAccount } from './generate-account';
import { benchOptions, countOption } from './options';

const options = benchOptions('node dist/bench/html.js [--roles N] [--chromium /usr/bin/chromium]', {
  roles: { type: 'string' },
  chromium: { type: 'string' },
});

async function timed<T>(work: () => Promise<T>): Promise<number> {
  const start = performance.now();
  await work();
  return Math.round(performance.now() - start);
}

/** The page's document, typed just enough (this project compiles without the DOM library). */
type PageGlobal = { document: { querySelector(selector: string): { textContent: string | null } | null } };

/** Waits until the element's text is no longer `before` (a function predicate: the report's CSP forbids eval). */
function waitForChange(page: Page, selector: string, before: string | null): Promise<unknown> {
  return page.waitForFunction(
    ([s, b]) => (globalThis as unknown as PageGlobal).document.querySelector(s as string)?.textContent !== b,
    [selector, before] as const,
    { timeout: 120_000 },
  );
}

function waitForStatus(page: Page, before: string): Promise<unknown> {
  return waitForChange(page, '[data-role=status]', before);
}

async function main(): Promise<void> {
  const roles = countOption(options.roles, 'roles', 10_000);
  const executablePath = options.chromium ?? '/usr/bin/chromium';
  const catalog = loadCatalog();
  const snapshot = parseAuthorizationDetails(generateAccount(catalog, { roles }), 'generated');
  const auditStart = performance.now();
  const result = auditAccount(snapshot, { catalog });
  const auditMs = Math.round(performance.now() - auditStart);
  const input = auditReportInput([result], { tool: { name: 'leash audit', version: 'bench' } });

  const file = join(mkdtempSync(join(tmpdir(), 'leash-html-bench-')), 'report.html');
  const renderStart = performance.now();
  const fd = openSync(file, 'w');
  for (const chunk of reportChunks(input, 'html')) writeSync(fd, chunk);
  closeSync(fd);
  const renderMs = Math.round(performance.now() - renderStart);

  const browser = await chromium.launch({
    executablePath,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage();
    const requests: string[] = [];
    page.on('request', (request) => requests.push(request.url()));
    const openMs = await timed(async () => {
      await page.goto(pathToFileURL(file).href, { timeout: 300_000 });
      await page.waitForSelector('body[data-ready]', { timeout: 300_000 });
    });
    const status = async () => (await page.textContent('[data-role=status]')) ?? '';
    const first = await status();
    const rule = result.findings[0]?.ruleId ?? '';
    const ruleMs = await timed(async () => {
      await page.selectOption('[data-role=rule]', rule);
      await waitForStatus(page, first);
    });
    const afterRule = await status();
    await page.selectOption('[data-role=rule]', '');
    await waitForStatus(page, afterRule);
    const unfiltered = await status();
    const searchMs = await timed(async () => {
      await page.fill('[data-role=principal]', 'role/');
      await waitForStatus(page, unfiltered);
    });
    const nextMs = await timed(async () => {
      const before = await page.locator('[data-role=page]').first().textContent();
      await page.locator('[data-role=next]').first().click();
      await waitForChange(page, '[data-role=page]', before);
    });
    const evidenceMs = await timed(async () => {
      await page.locator('[data-role=evidence] summary').first().click();
      await page.locator('[data-role=evidence] pre').first().waitFor();
    });
    const session = await page.context().newCDPSession(page);
    await session.send('Performance.enable');
    const { metrics } = await session.send('Performance.getMetrics');
    const heap = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? 0;
    console.log(
      JSON.stringify(
        {
          roles,
          principals: snapshot.principals.length,
          findings: result.findings.length,
          auditMs,
          html: { bytes: statSync(file).size, renderMs },
          browser: {
            openMs,
            firstStatus: first,
            ruleFilterMs: ruleMs,
            principalSearchMs: searchMs,
            nextPageMs: nextMs,
            openEvidenceMs: evidenceMs,
            jsHeapMiB: Math.round(heap / 1024 / 1024),
            requestsOtherThanTheFile: requests.filter((url) => url !== pathToFileURL(file).href).length,
          },
        },
        null,
        2,
      ),
    );
  } finally {
    await browser.close();
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
