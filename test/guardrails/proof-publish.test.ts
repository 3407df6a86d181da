// The published simulator proof in coverage.md: written between markers, replaced per spec, and tied to the
// policies it proved by a fingerprint (templates.test.ts fails when the policies change after the proof).
import {
  mergeBlocks,
  policyFingerprint,
  proofSection,
  publishedBlocks,
  publishedFingerprints,
  splitProof,
  withProof,
} from '../../bench/proof-publish';
import { defaultGuardrailSpec, generateGuardrails, GuardrailSpec } from '../../lib/guardrails';

const coverage = '# agent-leash guardrail coverage\n\nsome table\n';
const one = {
  label: 'default spec (one production tag key)',
  fingerprint: '0123456789abcdef',
  lines: ['agents: 0 of 10', 'verdict: PASS'],
};
const two = { label: 'two keys', fingerprint: 'fedcba9876543210', lines: ['verdict: FAIL'] };

describe('the published proof', () => {
  it('round-trips: the generator output is left as it was and every spec block is read back', () => {
    const published = withProof(coverage, proofSection([one, two], new Date('2026-12-02'), 'npm run prove'));
    const { coverage: rest, section } = splitProof(published);
    expect(rest).toBe(coverage);
    expect(publishedBlocks(section ?? '')).toEqual([one, two]);
    expect(publishedFingerprints(section ?? '')).toEqual(
      new Map([
        ['default spec (one production tag key)', one.fingerprint],
        ['two keys', two.fingerprint],
      ]),
    );
  });

  it('replaces one spec and keeps the others, and republishing does not stack sections', () => {
    const first = withProof(coverage, proofSection([one, two], new Date(), 'x'));
    const fresher = { ...two, lines: ['verdict: PASS'] };
    const merged = mergeBlocks(
      publishedBlocks(splitProof(first).section ?? ''),
      [fresher],
      ['default spec (one production tag key)', 'two keys'],
    );
    const second = withProof(first, proofSection(merged, new Date(), 'x'));
    expect(second.match(/simulator-proof:start/g)).toHaveLength(1);
    expect(publishedBlocks(splitProof(second).section ?? '')).toEqual([one, fresher]);
  });

  it('fingerprints change when a policy changes, and only then', () => {
    const base = policyFingerprint(generateGuardrails(defaultGuardrailSpec()));
    expect(policyFingerprint(generateGuardrails(defaultGuardrailSpec()))).toBe(base);
    const other = GuardrailSpec.parse({ production: { values: ['production', 'prod', 'live'] } });
    expect(policyFingerprint(generateGuardrails(other))).not.toBe(base);
  });
});
