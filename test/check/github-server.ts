// A loopback stand-in for the GitHub REST endpoints `--verify-approvals github` reads: the pull request,
// its reviews (paginated with Link headers as GitHub does) and collaborator permissions. Tests set the data
// and the failures; every request is recorded.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FakeReview {
  readonly id?: number;
  readonly login: string;
  readonly type?: string;
  readonly state: string;
  readonly commit: string;
  readonly at?: string;
}

export interface FakeGitHub {
  /** `http://127.0.0.1:PORT<prefix>` */
  readonly url: string;
  readonly requests: string[];
  pull: { number: number; author: string; head: string };
  reviews: FakeReview[];
  /** The pull request's commits: who wrote and who committed each (GitHub logins; null: no GitHub user). */
  commits: { author: string | null; committer: string | null }[];
  /** login (lower case) → `permission` / `role_name`; missing: 404. */
  permissions: Record<string, { permission: string; role?: string; type?: string }>;
  /** Path regex → status to answer instead. */
  failures: { path: RegExp; status: number }[];
  /** Reviews per page. */
  pageSize: number;
  close(): Promise<void>;
}

export async function startFakeGitHub(prefix = ''): Promise<FakeGitHub> {
  const fake: Omit<FakeGitHub, 'url' | 'close'> = {
    requests: [],
    pull: { number: 7, author: 'agent-dev', head: '9f8e7d6c5b4a39281706f5e4d3c2b1a098765432' },
    reviews: [],
    commits: [],
    permissions: {},
    failures: [],
    pageSize: 30,
  };
  const server: Server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    fake.requests.push(`${request.method} ${url.pathname}${url.search}`);
    const send = (status: number, body: unknown, headers: Record<string, string> = {}) => {
      response.writeHead(status, { 'content-type': 'application/json', ...headers });
      response.end(JSON.stringify(body));
    };
    if (request.headers.authorization !== 'token test-token' && request.headers.authorization !== 'bearer test-token') {
      return send(401, { message: 'Bad credentials' });
    }
    const path = url.pathname.startsWith(prefix) ? url.pathname.slice(prefix.length) : url.pathname;
    const failure = fake.failures.find((candidate) => candidate.path.test(path));
    if (failure) return send(failure.status, { message: `failure injected (${failure.status})` });
    let match = /^\/repos\/acme\/shop\/pulls\/(\d+)$/.exec(path);
    if (match && Number(match[1]) === fake.pull.number) {
      return send(200, {
        number: fake.pull.number,
        user: { login: fake.pull.author, type: 'User' },
        head: { sha: fake.pull.head },
        commits: fake.commits.length,
      });
    }
    match = /^\/repos\/acme\/shop\/pulls\/(\d+)\/commits$/.exec(path);
    if (match && Number(match[1]) === fake.pull.number) {
      // At most 250, as GitHub lists; one page is enough for the tests.
      return send(
        200,
        fake.commits.slice(0, 250).map((commit, index) => ({
          sha: `${String(index).padStart(40, '0')}`,
          author: commit.author === null ? null : { login: commit.author, type: 'User' },
          committer: commit.committer === null ? null : { login: commit.committer, type: 'User' },
        })),
      );
    }
    match = /^\/repos\/acme\/shop\/pulls\/(\d+)\/reviews$/.exec(path);
    if (match && Number(match[1]) === fake.pull.number) {
      const perPage = Math.min(Number(url.searchParams.get('per_page') ?? 30), fake.pageSize);
      const page = Number(url.searchParams.get('page') ?? 1);
      const all = fake.reviews.map((review, index) => ({
        id: review.id ?? index + 1,
        user: { login: review.login, type: review.type ?? 'User' },
        state: review.state,
        commit_id: review.commit,
        submitted_at: review.at ?? new Date(Date.UTC(2026, 10, 1, 0, index)).toISOString(),
      }));
      const slice = all.slice((page - 1) * perPage, page * perPage);
      const last = Math.max(1, Math.ceil(all.length / perPage));
      const base = `http://${request.headers.host}${prefix}/repos/acme/shop/pulls/${match[1]}/reviews?per_page=${perPage}`;
      const links = [
        page < last ? `<${base}&page=${page + 1}>; rel="next"` : undefined,
        `<${base}&page=${last}>; rel="last"`,
      ].filter(Boolean);
      return send(200, slice, { link: links.join(', ') });
    }
    match = /^\/repos\/acme\/shop\/collaborators\/([^/]+)\/permission$/.exec(path);
    if (match) {
      const entry = fake.permissions[decodeURIComponent(match[1]).toLowerCase()];
      if (!entry) return send(404, { message: 'Not Found' });
      return send(200, {
        permission: entry.permission,
        role_name: entry.role ?? entry.permission,
        user: { login: match[1], type: entry.type ?? 'User' },
      });
    }
    return send(404, { message: 'Not Found' });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(fake, {
    url: `http://127.0.0.1:${port}${prefix}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  });
}
