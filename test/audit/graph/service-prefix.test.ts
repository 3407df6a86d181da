import { loadCatalog } from '../../../lib/catalog';
import { MODELLED_SERVICES, servicePrefixOf } from '../../../lib/audit/graph/resolutions';

const catalog = loadCatalog();
const prefixOf = (principal: string) => servicePrefixOf(principal, (name) => catalog.hasService(name));

describe('servicePrefixOf (the general pass-role rule reads a service principal as an action prefix)', () => {
  it.each([
    ['scheduler.amazonaws.com', 'scheduler'],
    ['tasks.apprunner.amazonaws.com', 'apprunner'],
    ['ecs-tasks.amazonaws.com', 'ecs'],
    ['airflow-env.amazonaws.com', 'airflow'],
    ['monitoring.rds.amazonaws.com', 'rds'],
    ['pods.eks.amazonaws.com', 'eks'],
    ['IoT.AmazonAWS.com', 'iot'],
    ['ec2.amazonaws.com.cn', 'ec2'],
    // Regional service principals (CloudWatch Logs destinations) read the same.
    ['logs.us-east-1.amazonaws.com', 'logs'],
  ])('%s is %s', (principal, prefix) => {
    expect(prefixOf(principal)).toBe(prefix);
  });

  it('knows no prefix for a service the catalog does not have', () => {
    expect(prefixOf('no-such-service.amazonaws.com')).toBeUndefined();
  });

  it('reads every service a path models as a prefix of the catalog', () => {
    expect([...MODELLED_SERVICES].filter((service) => prefixOf(service) === undefined)).toEqual([]);
  });
});
