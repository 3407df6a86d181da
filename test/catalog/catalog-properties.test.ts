// Properties that hold for every action of the real catalog, checked with fast-check.
import fc from 'fast-check';
import { DESTRUCTIVE_CLASSES, loadCatalog } from '../../lib/catalog';
import { objectAfterVerb } from '../../lib/catalog/classification';

const catalog = loadCatalog();

describe('catalog properties', () => {
  it('finds every action under any mix of upper and lower case', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: catalog.actions.length - 1 }),
        fc.array(fc.boolean(), { minLength: 80, maxLength: 80 }),
        (index, upper) => {
          const action = catalog.actions[index];
          const scrambled = [...action.action]
            .map((ch, i) => (upper[i % upper.length] ? ch.toUpperCase() : ch.toLowerCase()))
            .join('');
          expect(catalog.get(scrambled)).toBe(action);
        },
      ),
      { numRuns: 500 },
    );
  });

  it('lists each action once, under its own service, with classes in canonical order', () => {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const action of catalog.actions) {
      const key = action.action.toLowerCase();
      if (seen.has(key)) problems.push(`${action.action}: listed twice`);
      seen.add(key);
      if (action.action !== `${action.service}:${action.name}`) problems.push(`${action.action}: name mismatch`);
      if (!catalog.serviceActions(action.service).includes(action)) problems.push(`${action.action}: not in service`);
      const canonical = DESTRUCTIVE_CLASSES.filter((cls) => action.classes.includes(cls));
      if (canonical.join() !== action.classes.join()) problems.push(`${action.action}: classes out of order`);
      if (action.tagAware !== (action.tagSupport !== 'none')) problems.push(`${action.action}: tagAware mismatch`);
    }
    expect(problems).toEqual([]);
    expect(catalog.destructive).toEqual(catalog.actions.filter((action) => action.classes.length > 0));
  });

  it('never reads a longer word as a verb', () => {
    fc.assert(
      fc.property(
        fc.constantFrom('Delete', 'Remove', 'Reset', 'Put'),
        fc.stringMatching(/^[a-z][A-Za-z]{0,8}$/),
        (verb, tail) => {
          expect(objectAfterVerb(`${verb}${tail}`, verb)).toBeUndefined();
        },
      ),
    );
  });
});
