// Text that a person reads as another text but a computer does not match: `prod ` (a trailing space),
// `prоd` (a Cyrillic о), `ｐｒｏｄ` (full-width letters), `pr0d`, `prod` with a zero-width space inside. IAM
// compares tag values character by character, so a resource tagged with such a value is not production to the
// guardrails while everyone reading the template believes it is. A typo (`prodution`) is the same trap with
// a visible cause, in the tag or in the config that names the production tag.
import { typoDistance } from './edit-distance';

/**
 * Letters of other scripts drawn like a Latin letter (upper and lower case), and digits drawn like one. A small
 * table of the confusables that matter for ASCII tag words, not Unicode's whole confusables list.
 */
// prettier-ignore
const CONFUSABLE: Readonly<Record<string, string>> = {
  // Cyrillic
  а: 'a', в: 'b', е: 'e', ё: 'e', к: 'k', м: 'm', н: 'h', о: 'o', р: 'p', с: 'c', т: 't', у: 'y', х: 'x',
  і: 'i', ї: 'i', ј: 'j', ѕ: 's', ԁ: 'd', һ: 'h', ӏ: 'l', ԛ: 'q', ԝ: 'w', ү: 'y', ɡ: 'g',
  А: 'a', В: 'b', Е: 'e', К: 'k', М: 'm', Н: 'h', О: 'o', Р: 'p', С: 'c', Т: 't', У: 'y', Х: 'x', І: 'i',
  Ј: 'j', Ѕ: 's', Ү: 'y', Ԁ: 'd', Ԛ: 'q', Ԝ: 'w', Ӏ: 'l',
  // Greek
  α: 'a', ε: 'e', ι: 'i', κ: 'k', ν: 'v', ο: 'o', ρ: 'p', τ: 't', υ: 'u', χ: 'x', ω: 'w',
  Α: 'a', Β: 'b', Ε: 'e', Ζ: 'z', Η: 'h', Ι: 'i', Κ: 'k', Μ: 'm', Ν: 'n', Ο: 'o', Ρ: 'p', Τ: 't', Υ: 'y',
  Χ: 'x',
  // Latin letters without their dot or with a hook, and digits
  ı: 'i', ȷ: 'j', '0': 'o',
};

/** Spaces, line breaks, and characters that draw nothing (zero-width, joiners, bidi controls, BOM). */
const INVISIBLE = /[\p{White_Space}\p{Cc}\p{Cf}]/gu;

/**
 * What a text looks like to a reader: compatibility forms folded (NFKC: full-width, ligatures, superscripts),
 * invisible characters removed, confusable letters mapped to the Latin letter they look like, lower case.
 * Two texts with the same skeleton read alike.
 */
export function lookalikeSkeleton(text: string): string {
  let out = '';
  for (const char of text.normalize('NFKC').replace(INVISIBLE, '')) out += CONFUSABLE[char] ?? char;
  return out.toLowerCase();
}

/** Whether `written` reads as `meant` (ignoring case) yet is not equal to it ignoring case. */
export function isLookalike(written: string, meant: string): boolean {
  return written.toLowerCase() !== meant.toLowerCase() && lookalikeSkeleton(written) === lookalikeSkeleton(meant);
}

/**
 * Whether `written` is a slip of the keyboard away from `meant`, the word it was meant to be: after the lookalike
 * folding, one letter inserted, dropped, changed or swapped with its neighbour when `meant` has 4 to 7
 * characters (`prd`, `prdo` for `prod`), two when it is longer (`prodution`, `enviroment`); never for a shorter
 * `meant`, where one letter makes another word (`qa`, `uat`), nor when the two are equal ignoring case or
 * lookalikes (isLookalike).
 */
export function isMisspelling(written: string, meant: string): boolean {
  const a = lookalikeSkeleton(written);
  const b = lookalikeSkeleton(meant);
  if (a === b) return false;
  const allowed = b.length >= 8 ? 2 : b.length >= 4 ? 1 : 0;
  return allowed > 0 && Math.abs(a.length - b.length) <= allowed && typoDistance(a, b) <= allowed;
}

/** A text quoted with every character outside printable ASCII written as `\uXXXX`, so the difference shows. */
export function revealed(text: string): string {
  return JSON.stringify(text).replace(
    /[^\x20-\x7e]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`,
  );
}
