// Turning zod issues and our own checks into PolicyProblems: one problem per issue, each with its JSON path.
import type { PolicyProblem } from './types';

export type PathPart = string | number;

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** `['Statement', 2, 'Condition', 'StringEquals', 'aws:ResourceTag/env']` → `Statement[2].Condition.StringEquals["aws:ResourceTag/env"]`. */
export function formatPath(path: readonly PathPart[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else if (!IDENTIFIER.test(part)) out += `[${JSON.stringify(part)}]`;
    else out += out ? `.${part}` : part;
  }
  return out;
}

export function problem(
  path: readonly PathPart[],
  message: string,
  severity: 'error' | 'warning' = 'error',
): PolicyProblem {
  return { path: formatPath(path), message, severity };
}

/** The subset of a zod 4 issue we read. */
interface Issue {
  readonly code: string;
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly keys?: readonly string[];
  readonly errors?: readonly (readonly Issue[])[];
}

/** Codes meaning "the value at this very path has the wrong type or value". */
const MISMATCH_AT_ROOT = new Set(['invalid_type', 'invalid_value', 'invalid_union']);

function toPath(parts: readonly PropertyKey[]): PathPart[] {
  return parts.map((part) => (typeof part === 'number' ? part : String(part)));
}

function unknownKeyMessage(path: readonly PathPart[], key: string): string {
  const last = path[path.length - 1];
  if (path.length === 0) return `unknown element ${JSON.stringify(key)}: a policy has only Version, Id and Statement`;
  if (last === 'Principal' || last === 'NotPrincipal') {
    return `unknown principal type ${JSON.stringify(key)}: expected AWS, Service, Federated or CanonicalUser`;
  }
  return (
    `unknown element ${JSON.stringify(key)}: a statement has Sid, Effect, Action or NotAction, ` +
    `Resource or NotResource, Principal or NotPrincipal, and Condition`
  );
}

/**
 * Maps zod issues to problems. A union whose input had the right shape for exactly one branch (an array
 * where "string or array" was expected) reports that branch's own issues, so the path names the bad
 * element (`Action[1]`) instead of the whole union.
 */
export function zodIssuesToProblems(issues: readonly Issue[], base: readonly PathPart[] = []): PolicyProblem[] {
  const out: PolicyProblem[] = [];
  for (const issue of issues) {
    const path = [...base, ...toPath(issue.path)];
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys ?? []) out.push(problem(path, unknownKeyMessage(path, key)));
      continue;
    }
    if (issue.code === 'invalid_union' && issue.errors) {
      const shaped = issue.errors.filter(
        (branch) => !branch.some((inner) => inner.path.length === 0 && MISMATCH_AT_ROOT.has(inner.code)),
      );
      if (shaped.length === 1) {
        out.push(...zodIssuesToProblems(shaped[0], path));
        continue;
      }
    }
    out.push(problem(path, issue.message));
  }
  return out;
}
