// The ABAC-shaped accounts of bench/account-shapes.ts are what they say: every role reaches its team's database
// administrator (and so can delete production) through the way in its shape names, and no other team's.
import { rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { auditAccount } from '../../lib/audit/audit';
import { loadInputFile } from '../../lib/audit/sources';
import { loadCatalog } from '../../lib/catalog';
import { generateShape, SHAPES, type Shape } from '../../bench/generate-shapes';

const catalog = loadCatalog();
const NOW = new Date('2026-12-01T00:00:00Z');
const file = join(tmpdir(), `leash-shape-${process.pid}.json`);
afterAll(() => rmSync(file, { force: true }));

describe('generated ABAC-shaped accounts', () => {
  it.each(Object.keys(SHAPES) as Shape[])('%s: every role reaches its own team’s administrator only', (shape) => {
    writeFileSync(file, JSON.stringify(generateShape(shape, 30)));
    const result = auditAccount(loadInputFile(file).accounts[0], { catalog, now: NOW });
    expect(result.stats.failedRules).toEqual([]);
    const through = result.findings.filter(
      (f) => f.ruleId === 'can-delete-production' && f.message.includes('through another principal'),
    );
    // The 27 roles that are no administrator, each through one of its own team (svc-0, -1, -2 by team).
    expect(through).toHaveLength(27);
    for (const finding of through) {
      const team = /team-(\w+)-svc-\d+$/.exec(finding.principalArn!)![1];
      expect(finding.message).toMatch(new RegExp(`role/team-${team}-svc-[012] `));
      expect(finding.message.match(/team-\w+-svc/g)!.every((name) => name === `team-${team}-svc`)).toBe(true);
    }
  });
});
