// Which names in a suppression's approvedBy are real approvals of the pull request: the rules applied to the
// reviews, author, head commit and permissions GitHub reported. Pure: the facts are fetched elsewhere.

/** GitHub review states; COMMENTED never changes whether someone approved, PENDING is not submitted. */
export type ReviewState = 'APPROVED' | 'CHANGES_REQUESTED' | 'COMMENTED' | 'DISMISSED' | 'PENDING';

export interface PullRequestReview {
  readonly id: number;
  readonly login: string;
  /** `User`, `Bot`, `Organization`, ... as GitHub reports the reviewer's account. */
  readonly userType: string;
  readonly state: string;
  /** The commit the review was submitted on. */
  readonly commitId: string;
  readonly submittedAt?: string;
}

/** Collaborator permission as GitHub's permission API reports it (`permission` plus `role_name`). */
export interface CollaboratorPermission {
  readonly permission: string;
  readonly roleName?: string;
}

/** Everything the rules need about one pull request. */
export interface PullRequestFacts {
  readonly repository: string;
  readonly number: number;
  readonly author: string;
  /** The commit the checked templates were built from; it must still be the pull request's head. */
  readonly headSha: string;
  readonly reviews: readonly PullRequestReview[];
  /**
   * Logins that wrote or committed a commit of the pull request: they are not a second person. Undefined only
   * where facts are built by hand for other rules' tests; the GitHub reader always fills it.
   */
  readonly contributors?: readonly string[];
  /** Lower-case login → permission; a login missing here was not looked up (it failed an earlier rule). */
  readonly permissions: ReadonlyMap<string, CollaboratorPermission | { readonly error: string }>;
}

/** What verification found: the facts, or why they could not be read (then nothing is approved). */
export type ApprovalVerification =
  { readonly kind: 'github'; readonly facts: PullRequestFacts } | { readonly kind: 'github'; readonly error: string };

const WRITE_ROLES = new Set(['admin', 'maintain', 'write']);

/**
 * A GitHub Actions run for a pull request without `--verify-approvals github`: the names in approvedBy are
 * whatever the branch says, and whoever pushed it (an agent included) wrote them, so none counts there. The
 * answer is a verification that failed, with why; undefined elsewhere (a workstation, another CI, a push).
 */
export function unverifiedPullRequestRun(env: {
  readonly GITHUB_ACTIONS?: string;
  readonly GITHUB_EVENT_NAME?: string;
}): ApprovalVerification | undefined {
  if (env.GITHUB_ACTIONS !== 'true' || !env.GITHUB_EVENT_NAME?.startsWith('pull_request')) return undefined;
  return {
    kind: 'github',
    error:
      `this is a GitHub Actions ${env.GITHUB_EVENT_NAME} run without --verify-approvals github, where approvedBy ` +
      'holds whatever the pull request wrote: pass --verify-approvals github so that only real reviews count',
  };
}

/** `Alice`, ` alice ` and `@alice` are one person. */
export function normaliseLogin(login: string): string {
  return login.trim().replace(/^@/, '').toLowerCase();
}

export function isBot(login: string, userType: string): boolean {
  return userType.toLowerCase() === 'bot' || /\[bot\]$/i.test(login.trim());
}

export function shortSha(sha: string): string {
  return sha.slice(0, 7);
}

/**
 * Why `login` is not a qualifying approver of the pull request, or undefined when it is: the latest review
 * that is not COMMENTED (or PENDING) is APPROVED, on the current head commit, by someone who is not the author,
 * wrote or committed none of its commits, is not a bot, and has write, maintain or admin permission.
 */
export function approverProblem(login: string, facts: PullRequestFacts): string | undefined {
  const who = normaliseLogin(login);
  const shown = login.trim();
  if (who === '') return 'an empty name is not a reviewer';
  if (who === normaliseLogin(facts.author)) return `${shown} is the pull request's author`;
  if (facts.contributors?.some((contributor) => normaliseLogin(contributor) === who)) {
    return `${shown} wrote or committed commits of pull request #${facts.number}: an approver must not have written the change`;
  }
  const theirs = facts.reviews
    .filter((review) => normaliseLogin(review.login) === who)
    .filter((review) => review.state !== 'COMMENTED' && review.state !== 'PENDING');
  const anyBot = facts.reviews.some(
    (review) => normaliseLogin(review.login) === who && isBot(review.login, review.userType),
  );
  if (anyBot || isBot(shown, '')) return `${shown} is a bot`;
  if (theirs.length === 0) {
    return `${shown} has not approved pull request #${facts.number}`;
  }
  const latest = theirs.reduce((last, review) => (laterThan(review, last) ? review : last));
  if (latest.state !== 'APPROVED') {
    return `${shown}'s latest review of pull request #${facts.number} is ${latest.state.toLowerCase().replace(/_/g, ' ')}, not approved`;
  }
  if (latest.commitId !== facts.headSha) {
    return `${shown}'s approval is for commit ${shortSha(latest.commitId)}, not the head ${shortSha(facts.headSha)}`;
  }
  const permission = facts.permissions.get(who);
  if (!permission) return `${shown}'s permission on ${facts.repository} was not read`;
  if ('error' in permission)
    return `${shown}'s permission on ${facts.repository} could not be read: ${permission.error}`;
  const role = permission.roleName?.toLowerCase();
  if (!WRITE_ROLES.has(permission.permission.toLowerCase()) && !(role && WRITE_ROLES.has(role))) {
    return `${shown} has ${role ?? permission.permission} permission on ${facts.repository}; approving needs write, maintain or admin`;
  }
  return undefined;
}

/** Reviews come oldest first from the API; the submission time decides, the id breaks ties. */
function laterThan(a: PullRequestReview, b: PullRequestReview): boolean {
  const at = Date.parse(a.submittedAt ?? '');
  const bt = Date.parse(b.submittedAt ?? '');
  if (Number.isFinite(at) && Number.isFinite(bt) && at !== bt) return at > bt;
  return a.id > b.id;
}

/** The logins whose review passed every rule but the permission one: only these need the permission API. */
export function loginsNeedingPermission(
  approvedBy: readonly string[],
  facts: Omit<PullRequestFacts, 'permissions'>,
): string[] {
  const unknown: PullRequestFacts = { ...facts, permissions: new Map() };
  return [
    ...new Set(
      approvedBy
        .filter((login) => approverProblem(login, unknown)?.endsWith('was not read'))
        .map((login) => normaliseLogin(login)),
    ),
  ];
}

/** The distinct qualifying people among `approvedBy`, and a reason for each name that does not qualify. */
export function verifyApprovers(
  approvedBy: readonly string[],
  verification: ApprovalVerification,
): { readonly people: readonly string[]; readonly refusals: readonly string[] } {
  if ('error' in verification) {
    return { people: [], refusals: [`approvals could not be verified against GitHub: ${verification.error}`] };
  }
  const people = new Map<string, string>();
  const refusals: string[] = [];
  const seen = new Set<string>();
  for (const login of approvedBy) {
    const who = normaliseLogin(login);
    if (seen.has(who)) continue;
    seen.add(who);
    const problem = approverProblem(login, verification.facts);
    if (problem) refusals.push(problem);
    else people.set(who, login.trim());
  }
  return { people: [...people.values()], refusals };
}
