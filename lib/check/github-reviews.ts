// Reads what `--verify-approvals github` needs from GitHub's REST API: the pull request of the running
// workflow (from the event file GitHub Actions writes), its reviews and commits (every page) and the
// permission of the people named as approvers. Any failure becomes an error value: a gate that cannot verify never passes.
import { readFileSync } from 'node:fs';
import { Octokit } from '@octokit/rest';
import {
  loginsNeedingPermission,
  normaliseLogin,
  shortSha,
  type ApprovalVerification,
  type CollaboratorPermission,
  type PullRequestReview,
} from './review-rules';

/** The variables GitHub Actions sets for a job; read from `process.env` by the CLI, given directly by tests. */
export interface GitHubEnvironment {
  readonly GITHUB_API_URL?: string;
  readonly GITHUB_REPOSITORY?: string;
  readonly GITHUB_EVENT_PATH?: string;
  readonly GITHUB_TOKEN?: string;
  /** `true` in every GitHub Actions job. */
  readonly GITHUB_ACTIONS?: string;
  /** The event that started the workflow: `pull_request`, `pull_request_target`, `push`, ... */
  readonly GITHUB_EVENT_NAME?: string;
}

export interface FetchOptions {
  /** Give up on the API after this long. @default 60 seconds */
  readonly timeoutMs?: number;
}

/** Fetch the facts about the running pull request; never throws. */
export async function verifyWithGitHub(
  approvedBy: readonly string[],
  env: GitHubEnvironment,
  options: FetchOptions = {},
): Promise<ApprovalVerification> {
  try {
    return { kind: 'github', facts: await fetchFacts(approvedBy, env, options) };
  } catch (err) {
    return { kind: 'github', error: describeError(err) };
  }
}

class VerificationError extends Error {}

interface EventPullRequest {
  readonly number: number;
  readonly author: string;
  readonly headSha: string;
}

/** The pull request from the event payload (`pull_request`, `pull_request_review`, `pull_request_target`). */
export function readEventPullRequest(eventPath: string): EventPullRequest {
  let payload: unknown;
  try {
    payload = JSON.parse(readFileSync(eventPath, 'utf8'));
  } catch (err) {
    throw new VerificationError(`GITHUB_EVENT_PATH ${eventPath} could not be read: ${(err as Error).message}`);
  }
  const pull = (payload as { pull_request?: unknown } | null)?.pull_request as
    { number?: unknown; user?: { login?: unknown }; head?: { sha?: unknown } } | undefined;
  if (!pull || typeof pull !== 'object') {
    throw new VerificationError(
      `the event in ${eventPath} has no pull_request: run on pull_request or pull_request_review events`,
    );
  }
  const { number } = pull;
  const author = pull.user?.login;
  const headSha = pull.head?.sha;
  if (typeof number !== 'number' || typeof author !== 'string' || typeof headSha !== 'string') {
    throw new VerificationError(`the pull_request in ${eventPath} lacks number, user.login or head.sha`);
  }
  return { number, author, headSha };
}

async function fetchFacts(approvedBy: readonly string[], env: GitHubEnvironment, options: FetchOptions) {
  const missing = (['GITHUB_API_URL', 'GITHUB_REPOSITORY', 'GITHUB_EVENT_PATH', 'GITHUB_TOKEN'] as const).filter(
    (name) => !env[name],
  );
  if (missing.length > 0) throw new VerificationError(`${missing.join(', ')} not set`);
  const repository = env.GITHUB_REPOSITORY as string;
  const [owner, repo, extra] = repository.split('/');
  if (!owner || !repo || extra !== undefined) {
    throw new VerificationError(`GITHUB_REPOSITORY is "${repository}", expected owner/name`);
  }
  const event = readEventPullRequest(env.GITHUB_EVENT_PATH as string);
  const octokit = new Octokit({
    auth: env.GITHUB_TOKEN,
    baseUrl: (env.GITHUB_API_URL as string).replace(/\/+$/, ''),
    userAgent: 'agent-leash',
    log: { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined },
    request: { signal: AbortSignal.timeout(options.timeoutMs ?? 60_000) },
  });

  // The event is a snapshot from when the run started; the API says what the pull request is now.
  const { data: pull } = await octokit.rest.pulls.get({ owner, repo, pull_number: event.number });
  if (pull.head.sha !== event.headSha) {
    throw new VerificationError(
      `pull request #${event.number}'s head is now ${shortSha(pull.head.sha)}, but this run checked ${shortSha(event.headSha)}: the new commit needs its own run`,
    );
  }
  const author = pull.user?.login ?? event.author;
  const rawReviews = await octokit.paginate(octokit.rest.pulls.listReviews, {
    owner,
    repo,
    pull_number: event.number,
    per_page: 100,
  });
  const reviews: PullRequestReview[] = rawReviews.map((review) => ({
    id: review.id,
    login: review.user?.login ?? '',
    userType: review.user?.type ?? '',
    state: review.state,
    commitId: review.commit_id ?? '',
    submittedAt: review.submitted_at,
  }));
  const contributors = await readContributors(octokit, owner, repo, event.number, pull.commits);
  const base = { repository, number: event.number, author, headSha: event.headSha, reviews, contributors };

  const permissions = new Map<string, CollaboratorPermission | { error: string }>();
  for (const login of loginsNeedingPermission(approvedBy, base)) {
    permissions.set(login, await readPermission(octokit, owner, repo, login));
  }
  // Logins compare case-insensitively; the map is keyed like the rules look it up.
  return { ...base, permissions: new Map([...permissions].map(([login, value]) => [normaliseLogin(login), value])) };
}

/** GitHub lists at most this many commits of a pull request. */
const LISTED_COMMITS = 250;

/**
 * The GitHub users who wrote or committed the pull request's commits. A pull request with more commits than
 * GitHub lists cannot be checked, so it is refused rather than judged on part of its history.
 */
async function readContributors(
  octokit: Octokit,
  owner: string,
  repo: string,
  pullNumber: number,
  commitCount: number | undefined,
): Promise<string[]> {
  if (commitCount !== undefined && commitCount > LISTED_COMMITS) {
    throw new VerificationError(
      `pull request #${pullNumber} has ${commitCount} commits and GitHub lists only ${LISTED_COMMITS}: ` +
        'the approvers cannot be checked against every commit author (squash or split it)',
    );
  }
  const commits = await octokit.paginate(octokit.rest.pulls.listCommits, {
    owner,
    repo,
    pull_number: pullNumber,
    per_page: 100,
  });
  const logins = new Set<string>();
  for (const commit of commits) {
    for (const user of [commit.author, commit.committer]) {
      if (user?.login) logins.add(user.login);
    }
  }
  return [...logins].sort();
}

async function readPermission(
  octokit: Octokit,
  owner: string,
  repo: string,
  username: string,
): Promise<CollaboratorPermission | { error: string }> {
  try {
    const { data } = await octokit.rest.repos.getCollaboratorPermissionLevel({ owner, repo, username });
    if (data.user?.type === 'Bot') return { permission: 'none', roleName: 'bot account' };
    return { permission: data.permission, roleName: data.role_name };
  } catch (err) {
    // 404: not a user, or not a collaborator GitHub will tell us about; either way, no permission.
    if ((err as { status?: number }).status === 404) return { permission: 'none' };
    return { error: describeError(err) };
  }
}

function describeError(err: unknown): string {
  if (err instanceof VerificationError) return err.message;
  const status = (err as { status?: unknown }).status;
  const request = (err as { request?: { method?: string; url?: string } }).request;
  const where = request?.method && request.url ? `${request.method} ${request.url.replace(/\?.*$/, '')}` : 'GitHub API';
  const message = String((err as Error)?.message ?? err)
    .split('\n')[0]
    .slice(0, 200);
  if ((err as Error)?.name === 'AbortError' || (err as Error)?.name === 'TimeoutError') return `${where} timed out`;
  // Octokit reports a request that got no answer (refused, reset, DNS) as status 500 without a response.
  if (typeof status === 'number' && status > 0 && (err as { response?: unknown }).response !== undefined) {
    return `${where} returned ${status} (${message})`;
  }
  return `${where} failed: no answer from the API (${message})`;
}
