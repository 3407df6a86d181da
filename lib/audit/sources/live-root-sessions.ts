// Whether sts:AssumeRoot works from an account, read live, read-only: AWS takes it only from the management
// account or the delegated administrator for centralized root access, and only once root sessions are turned
// on for the organization. iam:ListOrganizationsFeatures, asked as the account itself, answers both: it lists
// the features to those two accounts and refuses every other one with an error that says why. So a privilege
// escalation through a root session in a member account (graph path `assume-root`) is certain or absent
// where this read answers, and depends on the fact where it does not (a reported problem).
import { type IAMClient, ListOrganizationsFeaturesCommand } from '@aws-sdk/client-iam';
import { errorCode, errorMessage, isAbort } from './aws-clients';
import type { SnapshotProblem } from './snapshot';

/** The errors that say root sessions cannot start from this account (AWS IAM API reference). */
const NOT_FROM_HERE = new Set([
  'AccountNotManagementOrDelegatedAdministratorException',
  'OrganizationNotFoundException',
  'OrganizationNotInAllFeaturesModeException',
  // IAM's trusted access in Organizations is off: centralized root access is not turned on.
  'ServiceAccessNotEnabledException',
]);

export interface RootSessionsRead {
  /** Undefined: the read failed (see problems). */
  readonly rootSessions: boolean | undefined;
  readonly problems: SnapshotProblem[];
}

/** Ask IAM as the account itself; never throws for AWS errors (an unexplained one is a problem), only on abort. */
export async function readRootSessions(
  iam: IAMClient,
  accountId: string,
  signal?: AbortSignal,
): Promise<RootSessionsRead> {
  try {
    const answer = await iam.send(new ListOrganizationsFeaturesCommand({}), { abortSignal: signal });
    return { rootSessions: (answer.EnabledFeatures ?? []).includes('RootSessions'), problems: [] };
  } catch (err) {
    if (isAbort(err, signal)) throw err;
    if (NOT_FROM_HERE.has(errorCode(err))) return { rootSessions: false, problems: [] };
    return {
      rootSessions: undefined,
      problems: [
        {
          where: `iam:ListOrganizationsFeatures (${accountId})`,
          message:
            `${errorMessage(err)}; whether sts:AssumeRoot works from this account is unknown, so a principal ` +
            'allowed it may take a root session in a member account (assume-root depends on it)',
        },
      ],
    };
  }
}
