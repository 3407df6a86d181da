// Which accounts may deploy service-managed stack sets into the organization's members, read live, read-only:
// the management account, and the member AWS Organizations lists as delegated administrator for CloudFormation
// StackSets (organizations:ListDelegatedAdministrators for its service principal). A principal of such an account
// allowed cloudformation:CreateStackSet + CreateStackInstances runs a template of its own in each member as the
// member's StackSets execution role (graph/member-stack-set). Registering that administrator needs trusted access
// for StackSets, so a delegated administrator also shows that trusted access is on.
import { type OrganizationsClient, paginateListDelegatedAdministrators } from '@aws-sdk/client-organizations';
import { errorMessage, isAbort } from './aws-clients';
import type { SnapshotProblem } from './snapshot';

/** The service principal StackSets registers its delegated administrator under (AWS StackSets user guide). */
export const STACK_SETS_SERVICE_PRINCIPAL = 'member.org.stacksets.cloudformation.amazonaws.com';

export interface StackSetsAdministratorsRead {
  /** The delegated administrator accounts (usually none or one); undefined: the read failed (see problems). */
  readonly delegated: ReadonlySet<string> | undefined;
  readonly problems: SnapshotProblem[];
}

/** Ask AWS Organizations; never throws for AWS errors (a failed read is a problem, the answer unknown), only on abort. */
export async function readStackSetsAdministrators(
  organizations: OrganizationsClient,
  signal?: AbortSignal,
): Promise<StackSetsAdministratorsRead> {
  try {
    const delegated = new Set<string>();
    const pages = paginateListDelegatedAdministrators(
      { client: organizations },
      { ServicePrincipal: STACK_SETS_SERVICE_PRINCIPAL },
      { abortSignal: signal },
    );
    for await (const page of pages) {
      for (const account of page.DelegatedAdministrators ?? []) if (account.Id) delegated.add(account.Id);
    }
    return { delegated, problems: [] };
  } catch (err) {
    if (isAbort(err, signal)) throw err;
    return {
      delegated: undefined,
      problems: [
        {
          where: `organizations:ListDelegatedAdministrators (${STACK_SETS_SERVICE_PRINCIPAL})`,
          message:
            `${errorMessage(err)}; which member, if any, is delegated administrator for CloudFormation StackSets ` +
            'is unknown, so stack-set paths into member accounts start only from the management account',
        },
      ],
    };
  }
}
