// The zod schema of a `--scp` / `--rcp` chain file (see org-policies.ts). Its own module, loaded only when such
// a file is read: an audit without one never loads zod for it.
import { z } from 'zod';
import { chainOrderProblems, EMPTY_LEVEL } from './chain-order';

const LevelPolicy = z.strictObject({
  name: z.string().min(1),
  arn: z.string().optional(),
  document: z.unknown().optional(),
});

const Level = z.strictObject({
  kind: z.enum(['root', 'ou', 'account']),
  id: z.string().min(1),
  name: z.string().optional(),
  // AWS keeps at least one policy attached at every level (FullAWSAccess unless replaced); a level listed with
  // none would deny every action and hide every finding below it, so it is read as a damaged file.
  policies: z.array(LevelPolicy).min(1, EMPTY_LEVEL),
});

export const Chain = z
  .array(Level)
  .min(1, 'at least one level (the root)')
  .superRefine((levels, ctx) => {
    for (const { index, message } of chainOrderProblems(levels)) {
      ctx.addIssue({ code: 'custom', message, path: [index, 'kind'] });
    }
  });
