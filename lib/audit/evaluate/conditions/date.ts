// Date condition operators: values are ISO 8601 timestamps or epoch seconds (as aws:EpochTime carries).
import { orderedOperator, type ConditionOperator } from './operator';

/** Milliseconds since the epoch, or undefined for a value that is neither ISO 8601 nor epoch seconds. */
export function parseDate(text: string): number | undefined {
  const trimmed = text.trim();
  if (/^-?\d+(\.\d+)?$/.test(trimmed)) return Number(trimmed) * 1000;
  // ISO 8601: a date, optionally a time, optionally a zone; anything else (e.g. "next tuesday") is rejected
  // here rather than left to Date.parse's lenient guessing.
  if (!/^\d{4}-\d{2}-\d{2}([Tt ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?([Zz]|[+-]\d{2}:?\d{2})?)?$/.test(trimmed)) {
    return undefined;
  }
  const withZone = /([Zz]|[+-]\d{2}:?\d{2})$/.test(trimmed) || trimmed.length === 10 ? trimmed : `${trimmed}Z`;
  const ms = Date.parse(withZone.replace(' ', 'T'));
  return Number.isNaN(ms) ? undefined : ms;
}

function date(
  name: string,
  negated: boolean,
  compare: (request: number, policy: number) => boolean,
): ConditionOperator {
  return orderedOperator(name, negated, parseDate, compare);
}

export const DateEquals = date('DateEquals', false, (r, p) => r === p);
export const DateNotEquals = date('DateNotEquals', true, (r, p) => r === p);
export const DateLessThan = date('DateLessThan', false, (r, p) => r < p);
export const DateLessThanEquals = date('DateLessThanEquals', false, (r, p) => r <= p);
export const DateGreaterThan = date('DateGreaterThan', false, (r, p) => r > p);
export const DateGreaterThanEquals = date('DateGreaterThanEquals', false, (r, p) => r >= p);
