import {
  addressInBlock,
  IpAddress,
  NotIpAddress,
  parseAddress,
} from '../../../../lib/audit/evaluate/conditions/ip-address';

describe('IpAddress / NotIpAddress', () => {
  it.each([
    ['10.1.2.3', '10.0.0.0/8', true],
    ['11.1.2.3', '10.0.0.0/8', false],
    ['203.0.113.7', '203.0.113.7', true],
    ['203.0.113.7', '203.0.113.7/32', true],
    ['203.0.113.8', '203.0.113.7/32', false],
    ['192.168.1.1', '0.0.0.0/0', true],
    ['2001:db8::1', '2001:db8::/32', true],
    ['2001:db9::1', '2001:db8::/32', false],
    ['::ffff:10.0.0.1', '::ffff:10.0.0.0/120', true],
    ['10.0.0.1', '2001:db8::/32', false],
    ['10.0.0.256', '10.0.0.0/8', false],
    ['10.0.0.1', '10.0.0.0/33', false],
    ['10.0.0.1', 'not-an-ip', false],
  ])('%s in %s is %s', (address, block, expected) => {
    expect(addressInBlock(address, block)).toBe(expected);
    expect(IpAddress.matches(address, block)).toBe(expected);
  });

  it('parses IPv6 with and without compression the same', () => {
    expect(parseAddress('2001:0db8:0000:0000:0000:0000:0000:0001')).toEqual(parseAddress('2001:db8::1'));
    expect(parseAddress('1::2::3')).toBeUndefined();
  });

  it('NotIpAddress is the negated form', () => {
    expect(NotIpAddress.negated).toBe(true);
    expect(IpAddress.negated).toBe(false);
  });
});
