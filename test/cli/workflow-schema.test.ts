// The CI workflow templates users copy must be valid GitHub Actions workflows: checked against the workflow
// schema (SchemaStore's, through @action-validator/core) so a typo in a key fails here, not in a user's CI.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateWorkflow } from '@action-validator/core';

const dir = join(__dirname, '..', '..', 'templates', 'ci');
const templates = readdirSync(dir).filter((name) => name.endsWith('.yml'));

describe('the CI workflow templates', () => {
  it('are the check and the nightly audit', () => {
    expect(templates.sort()).toEqual(['github-actions-leash-audit.yml', 'github-actions-leash-check.yml']);
  });

  it.each(templates)('%s is a valid GitHub Actions workflow', (name) => {
    expect(validateWorkflow(readFileSync(join(dir, name), 'utf8')).errors).toEqual([]);
  });

  it('rejects a workflow with a misspelt key (the schema is really applied)', () => {
    const broken = readFileSync(join(dir, templates[0]), 'utf8').replace('runs-on:', 'runs-onn:');
    expect(validateWorkflow(broken).errors.length).toBeGreaterThan(0);
  });
});
