// IpAddress / NotIpAddress: the request's address inside a policy CIDR block (IPv4 or IPv6); a bare address
// in the policy is a /32 (or /128). Malformed addresses match nothing.
import type { ConditionOperator } from './operator';

interface ParsedAddress {
  readonly version: 4 | 6;
  readonly value: bigint;
}

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let value = 0n;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return undefined;
    const octet = Number(part);
    if (octet > 255) return undefined;
    value = (value << 8n) | BigInt(octet);
  }
  return value;
}

function parseIpv6(text: string): bigint | undefined {
  let body = text;
  let tail: bigint[] = [];
  // An embedded IPv4 suffix (::ffff:10.0.0.1) stands for the last two groups.
  const lastColon = body.lastIndexOf(':');
  if (body.includes('.') && lastColon >= 0) {
    const v4 = parseIpv4(body.slice(lastColon + 1));
    if (v4 === undefined) return undefined;
    tail = [v4 >> 16n, v4 & 0xffffn];
    body = `${body.slice(0, lastColon + 1)}0:0`;
  }
  const halves = body.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (half: string): string[] => (half === '' ? [] : half.split(':'));
  const head = groupsOf(halves[0]);
  const rest = halves.length === 2 ? groupsOf(halves[1]) : [];
  const missing = 8 - head.length - rest.length;
  if (halves.length === 1 ? head.length !== 8 : missing < 1) return undefined;
  const groups = [...head, ...Array<string>(halves.length === 2 ? missing : 0).fill('0'), ...rest];
  let value = 0n;
  for (const group of groups) {
    if (!/^[0-9a-fA-F]{1,4}$/.test(group)) return undefined;
    value = (value << 16n) | BigInt(parseInt(group, 16));
  }
  if (tail.length === 2) value = (value & ~0xffffffffn) | (tail[0] << 16n) | tail[1];
  return value;
}

export function parseAddress(text: string): ParsedAddress | undefined {
  const trimmed = text.trim();
  if (trimmed.includes(':')) {
    const value = parseIpv6(trimmed);
    return value === undefined ? undefined : { version: 6, value };
  }
  const value = parseIpv4(trimmed);
  return value === undefined ? undefined : { version: 4, value };
}

/** True when `address` lies in `block` (`10.0.0.0/8`, `2001:db8::/32`, or a single address). */
export function addressInBlock(address: string, block: string): boolean {
  const request = parseAddress(address);
  const [base, prefixText, extra] = block.trim().split('/');
  if (!request || extra !== undefined) return false;
  const network = parseAddress(base);
  if (!network || network.version !== request.version) return false;
  const bits = network.version === 4 ? 32 : 128;
  if (prefixText !== undefined && !/^\d{1,3}$/.test(prefixText)) return false;
  const prefix = prefixText === undefined ? bits : Number(prefixText);
  if (prefix > bits) return false;
  const shift = BigInt(bits - prefix);
  return request.value >> shift === network.value >> shift;
}

export const IpAddress: ConditionOperator = {
  name: 'IpAddress',
  negated: false,
  policyVariables: false,
  matches: (requestValue, policyValue) => addressInBlock(requestValue, policyValue),
};

export const NotIpAddress: ConditionOperator = { ...IpAddress, name: 'NotIpAddress', negated: true };
