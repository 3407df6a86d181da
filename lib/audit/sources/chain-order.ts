// Whether a chain of organization levels is in the order AWS applies it: the snapshot schema and the schema of
// `--scp` / `--rcp` files both check it. Its own module, without zod, so neither loads the other.

/** The kinds of organization level, from the root down (the snapshot schema's `kind`). */
export const LEVEL_KINDS = ['root', 'ou', 'account'] as const;
export type LevelKind = (typeof LEVEL_KINDS)[number];

/** Why a level with no policies is refused (snapshot and chain file alike). */
export const EMPTY_LEVEL =
  'expected at least one policy: AWS keeps one attached to every root, OU and account (FullAWSAccess, ' +
  'RCPFullAWSAccess, unless replaced), and a level with none would deny every action';

/** The forms AWS gives root, OU and account ids. */
export const LEVEL_ID: Readonly<Record<LevelKind, RegExp>> = {
  root: /^r-[0-9a-z]{4,32}$/,
  ou: /^ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}$/,
  account: /^\d{12}$/,
};

/**
 * Why a chain of organization levels is not in the order AWS applies it (the root first, then OUs from the
 * top down, the account last), or undefined. A chain given bottom-up would pair each level's policies with
 * the wrong place in the hierarchy. Ids of the usual forms (r-, ou-, 12 digits) must match their kind.
 */
export function chainOrderProblems(
  levels: readonly { readonly kind: LevelKind; readonly id: string }[],
): { index: number; message: string }[] {
  const out: { index: number; message: string }[] = [];
  levels.forEach((level, index) => {
    if (level.kind === 'root' && index !== 0) {
      out.push({ index, message: 'the root level must come first: give the chain from the root down to the account' });
    }
    if (level.kind === 'account' && index !== levels.length - 1) {
      out.push({
        index,
        message: 'the account level must come last: give the chain from the root down to the account',
      });
    }
    if (index === 0 && level.kind !== 'root') {
      out.push({
        index,
        message: `the chain starts at an ${level.kind} level: give it from the root down (root, OUs, account)`,
      });
    }
    const looksLike = (Object.keys(LEVEL_ID) as LevelKind[]).find((kind) => LEVEL_ID[kind].test(level.id));
    if (looksLike && looksLike !== level.kind) {
      out.push({
        index,
        message: `id ${JSON.stringify(level.id)} is the id of ${looksLike === 'ou' ? 'an OU' : `the ${looksLike}`}, but the level says ${level.kind}`,
      });
    }
  });
  return out;
}
