// A cloud assembly's artifacts: every type the schema defines is known, and one it does not define stops the
// check with its JSON path (it could be a stack the check would otherwise pass over).
import { ArtifactType } from '@aws-cdk/cloud-assembly-schema';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ARTIFACT_TYPES, loadStacks } from '../../lib/check/assembly';
import { InputError } from '../../lib/util/read-input';

function assembly(artifacts: Record<string, unknown>): string {
  const dir = mkdtempSync(join(tmpdir(), 'leash-artifacts-'));
  writeFileSync(join(dir, 'manifest.json'), JSON.stringify({ version: '48.0.0', artifacts }));
  writeFileSync(join(dir, 'Shop.template.json'), JSON.stringify({ Resources: {} }));
  return dir;
}
const stackArtifact = {
  type: 'aws:cloudformation:stack',
  environment: 'aws://111122223333/eu-west-1',
  properties: { templateFile: 'Shop.template.json' },
};

describe('cloud assembly artifact types', () => {
  it('knows exactly the types of the installed cloud assembly schema', () => {
    expect([...ARTIFACT_TYPES].sort()).toEqual(Object.values(ArtifactType).sort());
  });

  it('reads stacks beside the other known artifacts', () => {
    const dir = assembly({
      Shop: stackArtifact,
      Tree: { type: 'cdk:tree', properties: { file: 'tree.json' } },
      Flags: { type: 'cdk:feature-flag-report', properties: {} },
    });
    expect(loadStacks([dir]).map((s) => s.key)).toEqual(['Shop']);
  });

  it('stops on an artifact of a type it does not know, or a nested assembly without its directory', () => {
    const unknown = assembly({ Shop: { ...stackArtifact, type: 'aws:cloudformation:stack:v2' } });
    expect(() => loadStacks([unknown])).toThrow(InputError);
    expect(() => loadStacks([unknown])).toThrow(
      /manifest\.json: artifacts\.Shop\.type: "aws:cloudformation:stack:v2" is no cloud assembly artifact type/,
    );
    const untyped = assembly({ Shop: { properties: { templateFile: 'Shop.template.json' } } });
    expect(() => loadStacks([untyped])).toThrow(/artifacts\.Shop\.type: undefined is no cloud assembly artifact type/);
    const nested = assembly({ Stage: { type: 'cdk:cloud-assembly', properties: {} } });
    expect(() => loadStacks([nested])).toThrow(/artifacts\.Stage\.properties\.directoryName: missing/);
  });

  it('reads a nested assembly (a CDK stage) that names its directory', () => {
    const dir = assembly({ Stage: { type: 'cdk:cloud-assembly', properties: { directoryName: 'assembly-Prod' } } });
    const inner = join(dir, 'assembly-Prod');
    mkdirSync(inner);
    writeFileSync(
      join(inner, 'manifest.json'),
      JSON.stringify({ version: '48.0.0', artifacts: { Shop: stackArtifact } }),
    );
    writeFileSync(join(inner, 'Shop.template.json'), JSON.stringify({ Resources: {} }));
    expect(loadStacks([dir]).map((s) => s.key)).toEqual(['Shop']);
  });
});
