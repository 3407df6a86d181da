// The class partition behind the bulk path: two actions of a service share a class exactly when every
// statement matches both or neither, and each shape-dependent statement that matches them sees the same
// action shape. Checked against that definition on random statements over real catalog actions.
import fc from 'fast-check';
import { actionClasses, shapeCode, type StatementTables } from '../../../lib/audit/evaluate/action-classes';
import { catalogIndex } from '../../../lib/audit/evaluate/catalog-index';
import { compilePolicy, StatementIds, type MatchTable } from '../../../lib/audit/evaluate/compile-policy';
import { parsePolicy } from '../../../lib/policy';
import { loadCatalog } from '../../../lib/catalog';

const catalog = loadCatalog();
const index = catalogIndex(catalog);
const SERVICE = 'dynamodb';
const actions = index.actionsOf(SERVICE);
const names = actions.map((action) => action.action);

const statementArb = fc.record({
  Effect: fc.constantFrom('Allow', 'Deny'),
  Action: fc.oneof(
    fc.constant('dynamodb:*'),
    fc.constantFrom('dynamodb:Delete*', 'dynamodb:Get*', 'dynamodb:*Table', 'dynamodb:Update*'),
    fc.uniqueArray(fc.constantFrom(...names), { minLength: 1, maxLength: 6 }),
  ),
  Resource: fc.constantFrom('*', 'arn:aws:dynamodb:eu-west-1:111122223333:table/orders'),
  Condition: fc.constantFrom(
    undefined,
    { StringEquals: { 'aws:ResourceTag/env': 'prod' } },
    { StringEquals: { 'aws:RequestTag/env': 'prod' } },
    { Bool: { 'aws:MultiFactorAuthPresent': 'true' } },
    { StringEquals: { 'dynamodb:Attributes': 'id' } },
  ),
});

function layersOf(statements: Record<string, unknown>[]): StatementTables[] {
  const clean = statements.map((s) => Object.fromEntries(Object.entries(s).filter(([, v]) => v !== undefined)));
  const parsed = parsePolicy({ Version: '2012-10-17', Statement: clean }, { type: 'identity' });
  if (!parsed.ok) throw new Error(JSON.stringify(parsed.problems));
  const compiled = compilePolicy(
    parsed.policy,
    { policy: 'p', policyKind: 'inline', layer: 'identity' },
    parsed.document,
    new StatementIds(),
  );
  // Split into two layers, as the evaluator passes denies and allows separately.
  return [compiled.filter((s) => s.effect === 'Deny'), compiled.filter((s) => s.effect === 'Allow')].map((list) => ({
    statements: list,
    tables: list.map((s): MatchTable => s.matchTable(SERVICE, actions)),
  }));
}

/** What the partition must respect: per statement, "no match" or "match with this shape". */
function signature(layers: StatementTables[], position: number): string {
  const facts = index.factsOf(actions[position]);
  const parts: string[] = [];
  for (const layer of layers) {
    layer.statements.forEach((statement, k) => {
      const table = layer.tables[k];
      const matched = table === 'all' || (table !== 'none' && table[position] === 1);
      if (!matched) parts.push('-');
      else
        parts.push(
          statement.shapeDependent ? `s${shapeCode(statement, facts, actions[position].isWildcardOnly)}` : 'm',
        );
    });
  }
  return parts.join(' ');
}

describe('actionClasses', () => {
  it('puts two actions in one class exactly when every statement treats them alike', () => {
    fc.assert(
      fc.property(fc.array(statementArb, { minLength: 1, maxLength: 6 }), (statements) => {
        const layers = layersOf(statements);
        const classes = actionClasses(layers, actions, (position) => index.factsOf(actions[position]));
        const classOfSignature = new Map<string, number>();
        const signatureOfClass = new Map<number, string>();
        for (let position = 0; position < actions.length; position++) {
          const sig = signature(layers, position);
          const id = classes.of[position];
          expect(id).toBeLessThan(classes.count);
          expect(classOfSignature.get(sig) ?? id).toBe(id);
          expect(signatureOfClass.get(id) ?? sig).toBe(sig);
          classOfSignature.set(sig, id);
          signatureOfClass.set(id, sig);
        }
      }),
      { numRuns: 150 },
    );
  });

  it('keeps a service whose statements all match everything in one class', () => {
    const layers = layersOf([{ Effect: 'Allow', Action: 'dynamodb:*', Resource: '*' }]);
    const classes = actionClasses(layers, actions, (position) => index.factsOf(actions[position]));
    expect(new Set(classes.of)).toEqual(new Set([0]));
  });

  it('separates actions that do and do not carry aws:ResourceTag under a tag-conditioned statement', () => {
    const layers = layersOf([
      {
        Effect: 'Deny',
        Action: 'dynamodb:*',
        Resource: '*',
        Condition: { StringEquals: { 'aws:ResourceTag/env': 'prod' } },
      },
    ]);
    const classes = actionClasses(layers, actions, (position) => index.factsOf(actions[position]));
    const tagAware = actions.findIndex((a) => a.tagSupport !== 'none');
    const tagless = actions.findIndex((a) => a.tagSupport === 'none' && !a.isWildcardOnly);
    expect(tagAware).toBeGreaterThanOrEqual(0);
    expect(tagless).toBeGreaterThanOrEqual(0);
    expect(classes.of[tagAware]).not.toBe(classes.of[tagless]);
  });
});
