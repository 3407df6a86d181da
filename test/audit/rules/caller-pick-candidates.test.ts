import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { conditionOperator } from '../../../lib/audit/evaluate/conditions';
import { callerPicks, MAX_CALLER_PICKS } from '../../../lib/audit/rules/support/caller-pick-candidates';
import { literalValue, type ValueTest } from '../../../lib/audit/rules/support/value-tests';
import { REGIONS_BY_PARTITION } from '../../../lib/policy/regions';

const picksFor = (tests: Parameters<typeof callerPicks>[0], partition: string) =>
  callerPicks(tests, undefined, partition).picks;

const test = (operator: string, ...values: string[]): ValueTest => ({
  operator: conditionOperator(operator)!,
  values: values.map(literalValue),
  variable: false,
});

describe('callerPicks', () => {
  it('asks nothing where no condition reads a key the caller picks', () => {
    expect(picksFor(new Map(), 'aws')).toEqual([]);
  });

  it('asks from an address inside each network the conditions tell apart and from one outside them', () => {
    const tests = [test('IpAddress', '10.0.0.0/8'), test('IpAddress', '192.168.1.7')];
    const picks = picksFor(new Map([['aws:sourceip', tests]]), 'aws');
    const addresses = picks.filter((p) => p.keys['aws:sourceip']?.length).map((p) => p.keys['aws:sourceip'][0]);
    expect(addresses).toEqual(expect.arrayContaining(['10.0.0.0', '192.168.1.7', '203.0.113.10']));
    // One condition naming both networks answers an address in either alike: one of them is asked.
    const oneList = picksFor(new Map([['aws:sourceip', [test('IpAddress', '10.0.0.0/8', '192.168.1.7')]]]), 'aws');
    expect(oneList.filter((p) => p.keys['aws:sourceip']?.length).map((p) => p.keys['aws:sourceip'][0])).toEqual([
      '10.0.0.0',
      '203.0.113.10',
    ]);
    // From the public endpoint no VPC key is sent; through a VPC endpoint no address is.
    const inside = picks.find((p) => p.keys['aws:sourceip']?.[0] === '10.0.0.0')!;
    expect(inside.keys['aws:sourcevpc']).toEqual([]);
    expect(picks.some((p) => p.keys['aws:sourceip']?.length === 0)).toBe(true);
  });

  it('groups values every condition answers alike: one pick per group', () => {
    // Both addresses outside 10/8 answer alike (the IPv6 one matches no IPv4 block either).
    const picks = picksFor(new Map([['aws:sourceip', [test('IpAddress', '10.0.0.0/8')]]]), 'aws');
    const publicOnes = picks.filter((p) => p.keys['aws:sourceip']?.length);
    expect(publicOnes.map((p) => p.keys['aws:sourceip'][0])).toEqual(['10.0.0.0', '203.0.113.10']);
  });

  it('finds a region for a pattern and for "every other region", in the principal partition', () => {
    const picks = picksFor(new Map([['aws:requestedregion', [test('StringLike', 'eu-*')]]]), 'aws');
    expect(picks.map((p) => p.region)).toEqual(['us-east-1', expect.stringMatching(/^eu-/)]);
    const china = picksFor(new Map([['aws:requestedregion', [test('StringLike', 'cn-north-*')]]]), 'aws-cn');
    expect(china.map((p) => p.region).sort()).toEqual(['cn-north-1', 'cn-northwest-1']);
  });

  it('asks a VPC endpoint with each value the conditions on a VPC key tell apart, and with another', () => {
    const endpointsOf = (tests: ValueTest[]) =>
      picksFor(new Map([['aws:sourcevpce', tests]]), 'aws').flatMap((p) => p.keys['aws:sourcevpce'] ?? []);
    expect(endpointsOf([test('StringEquals', 'vpce-1'), test('StringEquals', 'vpce-2')])).toEqual([
      'vpce-1',
      'vpce-2',
      'vpce-0000leash0other',
    ]);
    // Both in one condition's list: each is answered as the other.
    expect(endpointsOf([test('StringEquals', 'vpce-1', 'vpce-2')])).toEqual(['vpce-1', 'vpce-0000leash0other']);
  });

  describe("a role's session, as whoever makes it may name it and set its source identity", () => {
    const tests = new Map([
      ['aws:userid', [test('StringLike', '*:breakglass-*', 'AROAOPS0000000000001:*')]],
      ['aws:sourceidentity', [test('StringEquals', 'alice')]],
    ]);
    const session = { names: true, sourceIdentities: true, noSourceIdentity: true, roleId: 'AROAADMIN00000000001' };

    it('names the session each way the values tell apart, and with each source identity or none', () => {
      const picks = callerPicks(tests, undefined, 'aws', session).picks;
      const userIds = [...new Set(picks.map((p) => p.keys['aws:userid'][0]))];
      expect(userIds).toEqual([
        'AROAADMIN00000000001:leash-session',
        expect.stringMatching(/^AROAADMIN00000000001:breakglass-/),
      ]);
      const identities = [...new Set(picks.map((p) => JSON.stringify(p.keys['aws:sourceidentity'])))];
      expect(identities).toEqual(['[]', '["alice"]', '["leash-other"]']);
      expect(picks).toHaveLength(6);
      expect(picks[0].label).toBe('as a session named leash-session, with no source identity');
    });

    it('picks only what the trust lets the caller choose', () => {
      const unnamed = callerPicks(tests, undefined, 'aws', { ...session, names: false, sourceIdentities: false }).picks;
      expect(unnamed.map((p) => p.label)).toEqual(['with no source identity']);
      // Without the role's id, its sessions' aws:userid is not known, whatever the name.
      const { roleId: _, ...noId } = session;
      expect(callerPicks(tests, undefined, 'aws', noId).picks.some((p) => 'aws:userid' in p.keys)).toBe(false);
      // A user, or a caller not given a session: no session pick.
      expect(callerPicks(tests, undefined, 'aws').picks).toEqual([]);
    });
  });

  it('combines the kinds, and stops at the cap', () => {
    // Each network and each region in a condition of its own: each answered otherwise.
    const many = Array.from({ length: 40 }, (_, i) => test('IpAddress', `10.${i}.0.0/16`));
    const tests = new Map([
      ['aws:requestedregion', [test('StringEquals', 'eu-west-1'), test('StringEquals', 'eu-central-1')]],
      ['aws:sourceip', many],
      ['aws:viaawsservice', [test('Bool', 'false')]],
    ]);
    const picks = picksFor(tests, 'aws');
    expect(picks).toHaveLength(MAX_CALLER_PICKS);
    // 2 regions and the rest, 41 places and a VPC endpoint, 2 ways to call: the cut is counted, for a caveat.
    expect(callerPicks(tests, undefined, 'aws').notAsked).toBe(3 * 42 * 2 - MAX_CALLER_PICKS);
    expect(picks[0].label).toBe('in eu-west-1, from 10.0.0.0 (aws:SourceIp), called directly');
  });
});

describe('REGIONS_BY_PARTITION', () => {
  it('lists the regions of every partition as the AWS SDK endpoint data does', () => {
    const core = dirname(require.resolve('@aws-sdk/core/package.json'));
    const text = readFileSync(join(core, 'dist-es/submodules/client/util-endpoints/lib/aws/partitions.js'), 'utf8');
    const data = JSON.parse(text.slice(text.indexOf('{'), text.lastIndexOf('}') + 1)) as {
      partitions: { id: string; regions: Record<string, unknown> }[];
    };
    const fromSdk = Object.fromEntries(
      data.partitions.map((p) => [p.id, Object.keys(p.regions).filter((r) => !r.startsWith('aws-'))]),
    );
    expect(REGIONS_BY_PARTITION).toEqual(fromSdk);
  });
});
