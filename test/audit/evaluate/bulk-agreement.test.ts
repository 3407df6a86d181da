// The bulk paths (decideMany and decisionKinds: per-service plans, shared match tables, templates shared between principals)
// must give exactly the decisions of the straightforward path (decide, one action at a time, fresh state),
// on real accounts, for the questions the audit rules ask.
import { readFileSync } from 'node:fs';
import { compileAccount } from '../../../lib/audit/evaluate';
import type { ActionDecision, CompiledAccount, RequestContext } from '../../../lib/audit/evaluate';
import { loadAuditInput } from '../../../lib/audit/sources';
import { parseAuthorizationDetails } from '../../../lib/audit/sources/authorization-details';
import type { AccountSnapshot } from '../../../lib/audit/sources/snapshot';
import { loadCatalog } from '../../../lib/catalog';
import type { CatalogAction } from '../../../lib/catalog/types';
import { CLOUDSPLAINING_AUTHZ } from '../../support/shared-data';
import { sweepStride } from '../../support/sweep';

const catalog = loadCatalog();
const KINDS = ['denied', 'allowed', 'depends'] as const;
const PRODUCTION: RequestContext = { resourceTags: { environment: 'production' } };

/** Destructive actions plus every 23rd catalog action: the rules' lists and a spread over every service. */
const asked: readonly CatalogAction[] = [
  ...catalog.destructive,
  ...catalog.actions.filter((action, i) => i % 23 === 0 && !catalog.destructive.includes(action)),
];

/** A decision's fields in one order, as decideMany makes them (a run's decision is a template with more). */
function withoutPlain(decision: ActionDecision): ActionDecision {
  const { action, decision: kind, allowedBy, deniedBy, blockedAt, dependsOn, unevaluated } = decision;
  return { action, decision: kind, allowedBy, deniedBy, blockedAt, dependsOn, unevaluated };
}

function expectBulkAgrees(account: CompiledAccount, every = 1): void {
  // Principals are asked in turn, as the rules do, so later ones reuse what earlier ones shared.
  account.principals.forEach((principal, n) => {
    if (n % every !== 0) return;
    for (const context of [{}, PRODUCTION]) {
      const many = principal.decideMany(asked, context);
      expect(many).toHaveLength(asked.length);
      const kinds = principal.decisionKinds(asked, context);
      expect([...kinds].map((kind) => KINDS[kind])).toEqual(many.map((decision) => decision.decision));
      // decisionRuns: each run's decision is every one of its actions' decision, its name aside.
      const runs = principal.decisionRuns(asked, context);
      const expanded = runs.decisions.flatMap((decision, k) =>
        asked
          .slice(k === 0 ? 0 : runs.ends[k - 1], runs.ends[k])
          .map((action) => ({ ...decision, action: action.action })),
      );
      expect(expanded).toHaveLength(asked.length);
      for (let i = 0; i < asked.length; i++) {
        if (JSON.stringify(withoutPlain(expanded[i])) !== JSON.stringify(withoutPlain(many[i]))) {
          expect({ principal: principal.arn, run: expanded[i] }).toEqual({ principal: principal.arn, run: many[i] });
        }
      }
      for (let i = 0; i < asked.length; i++) {
        const one = principal.decide(asked[i].action, context);
        if (JSON.stringify(many[i]) !== JSON.stringify(one)) {
          expect({ principal: principal.arn, decision: many[i] }).toEqual({ principal: principal.arn, decision: one });
        }
      }
    }
  });
}

/** countDecisions must count what decisionKinds says over the whole catalog, flagged actions apart. */
function expectCountsAgree(account: CompiledAccount, every = 1): void {
  // A spread of flags: every seventh action, and the write-level ones the summary counts.
  const flagged = Uint8Array.from(catalog.actions, (action, i) =>
    i % 7 === 0 || action.accessLevel === 'Write' ? 1 : 0,
  );
  account.principals.forEach((principal, n) => {
    if (n % every !== 0) return;
    for (const context of [{}, PRODUCTION]) {
      const kinds = principal.decisionKinds(catalog.actions, context);
      const expected = { allowed: 0, depends: 0, flaggedAllowed: 0, flaggedDepends: 0 };
      kinds.forEach((kind, i) => {
        if (kind === 1) expected.allowed++;
        if (kind === 2) expected.depends++;
        if (kind === 1 && flagged[i]) expected.flaggedAllowed++;
        if (kind === 2 && flagged[i]) expected.flaggedDepends++;
      });
      expect({ principal: principal.arn, counts: principal.countDecisions(flagged, context) }).toEqual({
        principal: principal.arn,
        counts: expected,
      });
    }
  });
}

function compiled(snapshot: AccountSnapshot): CompiledAccount {
  return compileAccount(snapshot, catalog);
}

async function exampleAccount(): Promise<CompiledAccount> {
  const input = await loadAuditInput({
    input: ['examples/example-account/authorization-details.json'],
    scp: ['examples/example-account/scps.json'],
  });
  return compiled(input.accounts[0]);
}

function cloudsplainingAccount(): CompiledAccount {
  const file = CLOUDSPLAINING_AUTHZ;
  return compiled(parseAuthorizationDetails(JSON.parse(readFileSync(file, 'utf8')), file));
}

describe('decideMany agrees with decide, action by action', () => {
  // npm test: every fourth principal of the example account and every sixth of Cloudsplaining's (all of
  // them with SWEEP_STRIDE=1, npm run prove:evaluator-sharing).
  it('on the example account with its SCPs', async () => {
    expectBulkAgrees(await exampleAccount(), sweepStride(4));
  });

  it('on the Cloudsplaining example', () => {
    expectBulkAgrees(cloudsplainingAccount(), sweepStride(6));
  });
});

describe('countDecisions agrees with decisionKinds over the whole catalog', () => {
  it('on the example account with its SCPs', async () => {
    expectCountsAgree(await exampleAccount());
  });

  it('on the Cloudsplaining example', () => {
    expectCountsAgree(cloudsplainingAccount(), sweepStride(2));
  });
});
