// templates/guardrails/ is committed for users who deploy the policies without CDK; it must be exactly what
// the generators produce for the documented defaults. Regenerate with
// `node dist/bin/leash.js generate --out templates/guardrails` after a build.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { guardrailFiles } from '../../lib/cli/generate-command';
import { policyFingerprint, publishedFingerprints, publishedSpecs, splitProof } from '../../bench/proof-publish';
import { defaultGuardrailSpec, generateGuardrails } from '../../lib/guardrails';

const TEMPLATES = join(__dirname, '..', '..', 'templates', 'guardrails');
const REGENERATE = 'regenerate with `node dist/bin/leash.js generate --out templates/guardrails`';
const REPROVE = 'rerun `npm run prove:guardrails -- --publish templates/guardrails` (about an hour)';

describe('templates/guardrails', () => {
  const expected = guardrailFiles(generateGuardrails(defaultGuardrailSpec()));

  it.each([...expected.keys()])('holds %s as the generators produce it for the default spec', (name) => {
    const file = join(TEMPLATES, name);
    expect({ file, exists: existsSync(file), hint: REGENERATE }).toEqual({ file, exists: true, hint: REGENERATE });
    // coverage.md ends with the simulator proof, which the proof script writes (checked below).
    const committed =
      name === 'coverage.md' ? splitProof(readFileSync(file, 'utf8')).coverage : readFileSync(file, 'utf8');
    const generated = expected.get(name) as string;
    if (name.endsWith('.json')) expect(JSON.parse(committed)).toEqual(JSON.parse(generated));
    else expect(committed).toBe(generated);
  });

  it('publishes in coverage.md a simulator proof of the policies as they are now, for one and two tag keys', () => {
    const { section } = splitProof(readFileSync(join(TEMPLATES, 'coverage.md'), 'utf8'));
    expect({ published: section !== undefined, hint: REPROVE }).toEqual({ published: true, hint: REPROVE });
    const published = publishedFingerprints(section ?? '');
    for (const [label, spec] of publishedSpecs()) {
      const now = policyFingerprint(generateGuardrails(spec));
      expect({ label, proved: published.get(label), hint: REPROVE }).toEqual({ label, proved: now, hint: REPROVE });
    }
    expect(section).toMatch(/verdict: PASS/);
    expect(section).not.toMatch(/verdict: FAIL/);
  });

  it('holds no policy file the generators no longer produce', () => {
    const stale = readdirSync(TEMPLATES).filter((name) => /^(scp|rcp)-\d+\.json$/.test(name) && !expected.has(name));
    expect({ stale, hint: REGENERATE }).toEqual({ stale: [], hint: REGENERATE });
  });
});
