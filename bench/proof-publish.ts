// Publishing the simulator proof: `npm run prove:guardrails -- --publish templates/guardrails` writes its
// numbers into coverage.md between two markers, with a fingerprint of the policies it proved, so the
// committed coverage report carries the proof and a test can tell when the policies changed after it.
import { createHash } from 'node:crypto';
import { defaultGuardrailSpec, GuardrailSpec, type GeneratedGuardrails } from '../lib/guardrails';

export const PROOF_START = '<!-- leash:simulator-proof:start -->';
export const PROOF_END = '<!-- leash:simulator-proof:end -->';
const FINGERPRINT = /^policies fingerprint ([0-9a-f]{16}) \((.*)\)$/gm;

/**
 * The specs the published proof covers: the documented defaults, the same with two production keys, and the
 * opt-in that denies escalation and execution on production to everyone but operators.
 */
export function publishedSpecs(): [string, GuardrailSpec][] {
  return [
    ['default spec (one production tag key)', defaultGuardrailSpec()],
    [
      'two production tag keys (environment, stage)',
      GuardrailSpec.parse({ production: { tagKeys: ['environment', 'stage'] } }),
    ],
    [
      'escalation and execution denied for everyone (one key, operators prod-workload-*)',
      GuardrailSpec.parse({
        everyone: {
          denyEscalationAndExecution: true,
          operatorPrincipalArns: ['arn:aws:iam::*:role/prod-workload-*'],
        },
      }),
    ],
  ];
}

/** A short hash of every policy document and the placement plan: what the proof's numbers are about. */
export function policyFingerprint(generated: GeneratedGuardrails): string {
  const documents = {
    boundary: generated.boundary.document,
    scps: generated.serviceControlPolicies.map((p) => p.document),
    rcps: generated.resourceControlPolicies.map((p) => p.document),
    placement: generated.placement,
  };
  return createHash('sha256').update(JSON.stringify(documents)).digest('hex').slice(0, 16);
}

export interface PublishedSpec {
  readonly label: string;
  readonly fingerprint: string;
  readonly lines: readonly string[];
}

export function proofSection(specs: readonly PublishedSpec[], ranAt: Date, command: string): string {
  const out = [
    PROOF_START,
    '## Simulator proof',
    '',
    `Decided case by case by @cloud-copilot/iam-simulate (an independent IAM simulator, used only by the ` +
      `proof), not by the generator that wrote the policies. Last run on ${ranAt.toISOString().slice(0, 10)} ` +
      `with \`${command}\`.`,
    '',
  ];
  for (const spec of specs) {
    out.push(`### ${spec.label}`, '', '```text', `policies fingerprint ${spec.fingerprint} (${spec.label})`);
    out.push(...spec.lines, '```', '');
  }
  out.push(PROOF_END);
  return out.join('\n');
}

/** The spec blocks of a published section, so a run over some specs keeps the others' results. */
export function publishedBlocks(section: string): PublishedSpec[] {
  const blocks: PublishedSpec[] = [];
  const pattern = /^### (.+)\n\n```text\npolicies fingerprint ([0-9a-f]{16}) \(.*\)\n([\s\S]*?)\n```$/gm;
  for (const m of section.matchAll(pattern)) blocks.push({ label: m[1], fingerprint: m[2], lines: m[3].split('\n') });
  return blocks;
}

/** `fresh` blocks in place of earlier ones with the same label, in the order `order` gives. */
export function mergeBlocks(
  earlier: readonly PublishedSpec[],
  fresh: readonly PublishedSpec[],
  order: readonly string[],
): PublishedSpec[] {
  const byLabel = new Map(earlier.map((b) => [b.label, b]));
  for (const b of fresh) byLabel.set(b.label, b);
  return order.flatMap((label) => byLabel.get(label) ?? []);
}

/** coverage.md without its proof section (what the generator writes), and the section alone. */
export function splitProof(markdown: string): { readonly coverage: string; readonly section?: string } {
  const start = markdown.indexOf(PROOF_START);
  const end = markdown.indexOf(PROOF_END);
  if (start === -1 || end < start) return { coverage: markdown };
  const before = markdown.slice(0, start).replace(/\n+$/, '\n');
  const after = markdown.slice(end + PROOF_END.length).replace(/^\n+/, '');
  return { coverage: before + after, section: markdown.slice(start, end + PROOF_END.length) };
}

/** coverage.md with `section` appended in place of any earlier proof. */
export function withProof(markdown: string, section: string): string {
  const { coverage } = splitProof(markdown);
  return `${coverage.replace(/\n+$/, '')}\n\n${section}\n`;
}

/** The fingerprints a published section names, by spec label. */
export function publishedFingerprints(section: string): Map<string, string> {
  return new Map([...section.matchAll(FINGERPRINT)].map((m) => [m[2], m[1]]));
}
