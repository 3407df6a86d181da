// The organization an input's SCPs and RCPs belong to, read from their ARNs: AWS names an organization's own
// policy `arn:aws:organizations::<management account>:policy/o-<id>/<type>/p-<id>`, while the AWS managed
// ones (FullAWSAccess, RCPFullAWSAccess) name none. An audit given policy files (`--scp`, `--rcp`) instead of
// an organization read then still knows the organization, so aws:PrincipalOrgID and aws:ResourceOrgID (a data
// perimeter's keys) are answered instead of left to depend.
import { InputError } from '../../util/read-input';
import type { OrganizationPolicyLevel } from './snapshot';

/** An organization id as AWS writes it. */
export const ORGANIZATION_ID = /^o-[a-z0-9]{10,32}$/;

/** An organization policy's ARN, with the organization id it names. */
const POLICY_ARN = /^arn:[a-z-]+:organizations::\d{12}:policy\/(o-[a-z0-9]{10,32})\/[a-z_]+\/p-[a-z0-9_]+$/;

/**
 * The organization id every policy ARN of the chains names, or undefined when none names one. Two different
 * ids are an input error: one account's SCPs and RCPs come from one organization, and a chain of another
 * would decide this one's verdict.
 */
export function organizationIdOfChains(
  chains: readonly { readonly levels: readonly OrganizationPolicyLevel[]; readonly file: string }[],
): { id: string; where: string } | undefined {
  let found: { id: string; where: string } | undefined;
  for (const { levels, file } of chains) {
    levels.forEach((level, l) =>
      level.policies.forEach((policy, p) => {
        const id = policy.arn === undefined ? undefined : POLICY_ARN.exec(policy.arn)?.[1];
        if (id === undefined) return;
        const where = `${file}: [${l}].policies[${p}].arn`;
        if (found && found.id !== id) {
          throw new InputError(
            `${where}: the policy ARN names organization ${id}, but ${found.where} names ${found.id}: ` +
              'expected the policies of one organization',
          );
        }
        found ??= { id, where };
      }),
    );
  }
  return found;
}
