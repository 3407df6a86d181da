// Policy sizes as AWS counts them against each quota, so generators can pack documents up to the limit.
//
// Sources:
// - IAM User Guide, "IAM and AWS STS quotas": managed policy 6,144 characters; inline policies of a role
//   10,240 in aggregate, of a user 2,048, of a group 5,120; role trust policy 2,048 by default (a quota
//   increase can raise it). The same page: "IAM does not count white space when calculating the size of a
//   policy against these limits."
// - AWS Organizations User Guide, "SCP syntax" and "RCP syntax": "All characters in your SCP [RCP] count
//   against its maximum size" of 5,120, and white space outside quotation marks may be deleted to save room;
//   through the API the document is stored exactly as submitted.
//
// Two choices where the documentation is silent, both on the safe side (never under-count):
// - we count UTF-8 bytes (identical to characters for the ASCII that policies are made of; IAM's error text
//   says "Maximum policy size of 10240 bytes exceeded");
// - for IAM we remove white space outside string literals only: white space inside a value (rare in
//   policies) is still counted.
// An object (rather than text) is counted as the compact JSON it is sent as: `JSON.stringify(document)`.

export const POLICY_SIZE_LIMITS = {
  scp: 5120,
  rcp: 5120,
  managed: 6144,
  /** Aggregate of all inline policies of one role. */
  inlineRole: 10240,
  /** Aggregate of all inline policies of one user. */
  inlineUser: 2048,
  /** Aggregate of all inline policies of one group. */
  inlineGroup: 5120,
  /** Role trust policy, default quota. */
  trust: 2048,
} as const;

export type PolicySizeKind = keyof typeof POLICY_SIZE_LIMITS;

/** Size kinds AWS Organizations counts verbatim; every other kind is an IAM quota that ignores white space. */
const COUNTED_VERBATIM: ReadonlySet<PolicySizeKind> = new Set<PolicySizeKind>(['scp', 'rcp']);

function isJsonWhitespace(code: number): boolean {
  return code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d;
}

/** Removes white space outside string literals, keeping every other character (escapes included) as written. */
function stripInsignificantWhitespace(text: string): string {
  let out = '';
  let runStart = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (inString) {
      if (code === 0x5c)
        i++; // backslash: skip the escaped character
      else if (code === 0x22) inString = false;
    } else if (code === 0x22) {
      inString = true;
    } else if (isJsonWhitespace(code)) {
      out += text.slice(runStart, i);
      runStart = i + 1;
    }
  }
  return out + text.slice(runStart);
}

/** IAM APIs return documents URL-encoded (`%7B%22Version%22...`); sizes are of the decoded text. */
function decodedText(text: string): string {
  const trimmed = text.trimStart();
  if (/^%7b/i.test(trimmed)) {
    try {
      return decodeURIComponent(text);
    } catch {
      return text;
    }
  }
  return text;
}

/**
 * The JSON text of a policy without insignificant white space. Text input keeps its characters as written
 * (escapes, key order, number formatting); an object becomes `JSON.stringify(document)`.
 */
export function minifyPolicy(document: unknown): string {
  if (typeof document === 'string') return stripInsignificantWhitespace(decodedText(document));
  return JSON.stringify(document) ?? '';
}

/** Size of a policy document as AWS counts it for `kind` (see the module comment for the rules and sources). */
export function policySize(document: unknown, kind: PolicySizeKind): number {
  if (typeof document === 'string') {
    const text = decodedText(document);
    return Buffer.byteLength(COUNTED_VERBATIM.has(kind) ? text : stripInsignificantWhitespace(text), 'utf8');
  }
  return Buffer.byteLength(JSON.stringify(document) ?? '', 'utf8');
}

/** Aggregate size of several inline policies of one principal (compare with inlineRole/User/Group). */
export function aggregateInlineSize(documents: readonly unknown[]): number {
  let total = 0;
  for (const document of documents) total += policySize(document, 'inlineRole');
  return total;
}
