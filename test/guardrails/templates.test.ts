// templates/guardrails/ is committed for users who deploy the policies without CDK; it must be exactly what
// the generators produce for the documented defaults. Regenerate with
// `node dist/bin/leash.js generate --out templates/guardrails` after a build.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { guardrailFiles } from '../../lib/cli/generate-command';
import { defaultGuardrailSpec, generateGuardrails } from '../../lib/guardrails';

const TEMPLATES = join(__dirname, '..', '..', 'templates', 'guardrails');
const REGENERATE = 'regenerate with `node dist/bin/leash.js generate --out templates/guardrails`';

describe('templates/guardrails', () => {
  const expected = guardrailFiles(generateGuardrails(defaultGuardrailSpec()));

  it.each([...expected.keys()])('holds %s as the generators produce it for the default spec', (name) => {
    const file = join(TEMPLATES, name);
    expect({ file, exists: existsSync(file), hint: REGENERATE }).toEqual({ file, exists: true, hint: REGENERATE });
    const committed = readFileSync(file, 'utf8');
    const generated = expected.get(name) as string;
    if (name.endsWith('.json')) expect(JSON.parse(committed)).toEqual(JSON.parse(generated));
    else expect(committed).toBe(generated);
  });

  it('holds no policy file the generators no longer produce', () => {
    const stale = readdirSync(TEMPLATES).filter((name) => /^(scp|rcp)-\d+\.json$/.test(name) && !expected.has(name));
    expect({ stale, hint: REGENERATE }).toEqual({ stale: [], hint: REGENERATE });
  });
});
