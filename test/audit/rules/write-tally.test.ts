// WriteTally: what a principal writes on production, held by catalog index; the agent rule's messages and
// details read its order, so it must keep the order a set of names would have.
import { loadCatalog } from '../../../lib/catalog';
import type { CatalogAction } from '../../../lib/catalog/types';
import type { DecisionRuns, RunDecision } from '../../../lib/audit/evaluate/types';
import { WriteTally, wroteAnything } from '../../../lib/audit/rules/support/writes';

const catalog = loadCatalog();
const actions = (...names: string[]): CatalogAction[] => names.map((name) => catalog.get(name)!);

const decision = (kind: RunDecision['decision'], dependsOn: string[] = []): RunDecision => ({
  decision: kind,
  allowedBy: [],
  deniedBy: [],
  dependsOn,
});

/** One decision per action, each its own run. */
const runs = (...kinds: RunDecision['decision'][]): DecisionRuns => ({
  ends: kinds.map((_, i) => i + 1),
  decisions: kinds.map((kind) => decision(kind, kind === 'depends' ? ['aws:ResourceTag/env'] : [])),
});

describe('WriteTally', () => {
  const asked = actions('s3:DeleteBucket', 'ec2:TerminateInstances', 'rds:DeleteDBInstance', 'iam:DeleteRole');

  it('lets allowed win over depending, keeping first-seen order, and names the states where writes got through', () => {
    const tally = new WriteTally(catalog);
    tally.addRuns(runs('depends', 'allowed', 'depends', 'denied'), asked, 'tagged env=prod');
    tally.addRuns(runs('denied', 'depends', 'allowed', 'allowed'), asked, 'untagged');
    tally.addRuns(runs('denied', 'denied', 'denied', 'denied'), asked, 'tagged env=other');
    expect(tally.allowed()).toEqual(['ec2:TerminateInstances', 'rds:DeleteDBInstance', 'iam:DeleteRole']);
    expect(tally.depends()).toEqual(['s3:DeleteBucket']);
    expect([tally.allowedCount, tally.dependsCount]).toEqual([3, 1]);
    expect([...tally.where]).toEqual(['tagged env=prod', 'untagged']);
    expect([...tally.dependsOn]).toEqual(['aws:ResourceTag/env']);
    expect(wroteAnything(tally)).toBe(true);
  });

  it('reads runs of several actions sharing one decision', () => {
    const tally = new WriteTally(catalog);
    tally.addRuns({ ends: [2, 4], decisions: [decision('allowed'), decision('denied')] }, asked, 'untagged');
    expect(tally.allowed()).toEqual(['s3:DeleteBucket', 'ec2:TerminateInstances']);
    expect(tally.depends()).toEqual([]);
  });

  it('tells what one principal writes beyond what another writes for certain, and samples it', () => {
    const agent = new WriteTally(catalog);
    agent.addRuns(runs('allowed', 'depends', 'denied', 'denied'), asked, 'untagged');
    const same = new WriteTally(catalog);
    same.addRuns(runs('allowed', 'denied', 'denied', 'denied'), asked, 'untagged');
    const more = new WriteTally(catalog);
    more.addRuns(runs('allowed', 'depends', 'denied', 'allowed'), asked, 'untagged');
    expect(same.holdsBeyond(agent, false)).toBe(false);
    // The agent's own depending write is not its certain write: another principal's is beyond it.
    expect(more.holdsBeyond(agent, false)).toBe(true);
    expect(more.holdsBeyond(agent, true)).toBe(true);
    expect(more.sampleBeyond(agent, 3)).toEqual(['iam:DeleteRole', 'ec2:TerminateInstances']);
    expect(more.sampleBeyond(undefined, 2)).toEqual(['s3:DeleteBucket', 'iam:DeleteRole']);
    const dependsOnly = new WriteTally(catalog);
    dependsOnly.addRuns(runs('denied', 'depends', 'denied', 'denied'), asked, 'untagged');
    expect(dependsOnly.holdsBeyond(agent, true)).toBe(false);
    expect(dependsOnly.holdsBeyond(agent, false)).toBe(true);
    expect(wroteAnything(new WriteTally(catalog))).toBe(false);
  });

  it('refuses an action object that is not from the catalog instead of dropping it', () => {
    const stranger = { ...asked[0] };
    expect(() => new WriteTally(catalog).addRuns(runs('allowed'), [stranger], 'untagged')).toThrow(
      /not an action of the catalog/,
    );
  });
});
