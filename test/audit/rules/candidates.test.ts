// The candidate filter must be exact: every action the evaluator does not deny is among the candidates,
// so narrowing the evaluator's work never hides a finding.
import { readFileSync } from 'node:fs';
import { compileAccount } from '../../../lib/audit/evaluate';
import { expandActionPatterns } from '../../../lib/policy';
import { createCandidateIndex } from '../../../lib/audit/rules/support/candidates';
import { policiesInUse } from '../../../lib/audit/rules/support/policies';
import { loadAuditInput } from '../../../lib/audit/sources';
import { parseAuthorizationDetails } from '../../../lib/audit/sources/authorization-details';
import type { AccountSnapshot } from '../../../lib/audit/sources/snapshot';
import { catalog } from './helpers';
import { CLOUDSPLAINING_AUTHZ } from '../../support/shared-data';

function expectExact(snapshot: AccountSnapshot, every = 1): void {
  const account = compileAccount(snapshot, catalog);
  const index = createCandidateIndex(snapshot, catalog, policiesInUse(snapshot));
  const principals = snapshot.principals.filter((p) => p.kind !== 'group').filter((_, i) => i % every === 0);
  for (const principal of principals) {
    const candidates = new Set(index.candidates(principal).map((a) => a.action));
    const granted = account
      .principal(principal.arn)!
      .decideMany(catalog.actions)
      .filter((d) => d.decision !== 'denied')
      .map((d) => d.action);
    expect({ principal: principal.arn, missed: granted.filter((a) => !candidates.has(a)) }).toEqual({
      principal: principal.arn,
      missed: [],
    });
  }
}

/** The example account's candidate index and its narrowly scoped payments Lambda role. */
function paymentsLambda() {
  const snapshot = parseAuthorizationDetails(
    JSON.parse(readFileSync('examples/example-account/authorization-details.json', 'utf8')),
    'example',
  );
  const index = createCandidateIndex(snapshot, catalog, policiesInUse(snapshot));
  const role = snapshot.principals.find((p) => p.name === 'payments-api-lambda')!;
  return { index, role };
}

describe('candidate actions', () => {
  it('cover everything the evaluator grants in the example account (with its SCPs)', async () => {
    const input = await loadAuditInput({
      input: ['examples/example-account/authorization-details.json'],
      scp: ['examples/example-account/scps.json'],
    });
    expectExact(input.accounts[0]);
  });

  it('cover everything the evaluator grants in the Cloudsplaining example (every fifth principal)', () => {
    const file = CLOUDSPLAINING_AUTHZ;
    expectExact(parseAuthorizationDetails(JSON.parse(readFileSync(file, 'utf8')), file), 5);
  });

  it('are, in catalog order, the union of what each identity Allow names (one policy, several, large ones)', () => {
    const snapshot = parseAuthorizationDetails(JSON.parse(readFileSync(CLOUDSPLAINING_AUTHZ, 'utf8')), 'example');
    const policies = policiesInUse(snapshot);
    const index = createCandidateIndex(snapshot, catalog, policies);
    const groups = new Map(snapshot.principals.filter((p) => p.kind === 'group').map((g) => [g.name, g]));
    const sizes = new Set<string>();
    for (const principal of snapshot.principals.filter((p) => p.kind !== 'group')) {
      const owners = [principal, ...principal.groups.flatMap((name) => groups.get(name) ?? [])];
      const held = policies.filter(
        (policy) =>
          policy.type === 'identity' &&
          (policy.owner
            ? owners.includes(policy.owner)
            : owners.some((owner) => owner.managedPolicyArns.includes(policy.id))),
      );
      const named = new Set<string>();
      let everything = false;
      for (const statement of held.flatMap((policy) => policy.parsed()?.statements ?? [])) {
        if (statement.effect !== 'Allow' || (!statement.actions && !statement.notActions)) continue;
        const matches = statement.actions ?? statement.notActions ?? [];
        const hit = new Set(expandActionPatterns(matches, catalog).map((a) => a.action));
        for (const action of catalog.actions) {
          if (hit.has(action.action) === (statement.actions !== undefined)) named.add(action.action);
        }
        if (statement.actions?.includes('*')) everything = true;
      }
      const expected = everything ? catalog.actions : catalog.actions.filter((a) => named.has(a.action));
      const candidates = index.candidates(principal);
      sizes.add(
        `${held.length > 1 ? 'several' : 'one'} ${candidates.length > catalog.actions.length / 16 ? 'large' : 'small'}`,
      );
      expect(candidates.map((a) => a.action)).toEqual(expected.map((a) => a.action));
    }
    expect([...sizes].sort()).toEqual(['one large', 'one small', 'several large', 'several small']);
  });

  it('are few for a narrowly scoped role', () => {
    const { index, role } = paymentsLambda();
    expect(
      index
        .candidates(role)
        .map((a) => a.action)
        .sort(),
    ).toEqual(
      [
        'dynamodb:GetItem',
        'dynamodb:PutItem',
        'dynamodb:Query',
        'dynamodb:UpdateItem',
        'logs:CreateLogGroup',
        'logs:CreateLogStream',
        'logs:PutLogEvents',
      ].sort(),
    );
  });

  it('narrow a rule’s list to the candidates in the list’s own order, repeats and all', () => {
    const { index, role } = paymentsLambda();
    const named = (...actions: string[]) => actions.map((action) => catalog.get(action)!);
    const list = named('logs:PutLogEvents', 's3:DeleteBucket', 'dynamodb:Query', 'dynamodb:GetItem');
    expect(index.restrict(role, list).map((a) => a.action)).toEqual([
      'logs:PutLogEvents',
      'dynamodb:Query',
      'dynamodb:GetItem',
    ]);
    const wanted = new Set(['logs:PutLogEvents', 's3:DeleteBucket', 'dynamodb:Query', 'dynamodb:GetItem']);
    const inCatalogOrder = catalog.actions.filter((a) => wanted.has(a.action));
    expect(index.restrict(role, inCatalogOrder).map((a) => a.action)).toEqual(
      inCatalogOrder.map((a) => a.action).filter((action) => action !== 's3:DeleteBucket'),
    );
    expect(index.restrict(role, named('s3:DeleteBucket', 'ec2:TerminateInstances'))).toEqual([]);
    const repeated = named('dynamodb:Query', 'ec2:TerminateInstances', 'dynamodb:Query');
    expect(index.restrict(role, repeated).map((a) => a.action)).toEqual(['dynamodb:Query', 'dynamodb:Query']);
    const foreign = { ...catalog.get('dynamodb:PutItem')! };
    expect(index.restrict(role, [foreign, ...named('dynamodb:PutItem')]).map((a) => a.action)).toEqual([
      'dynamodb:PutItem',
    ]);
  });
});
