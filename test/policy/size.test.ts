import { POLICY_SIZE_LIMITS, aggregateInlineSize, minifyPolicy, policySize } from '../../lib/policy';

const document = {
  Version: '2012-10-17',
  Statement: [{ Sid: 'DenyDelete', Effect: 'Deny', Action: ['rds:Delete*'], Resource: '*' }],
};
const compact = JSON.stringify(document);
const pretty = JSON.stringify(document, null, 2);

describe('POLICY_SIZE_LIMITS', () => {
  it('holds the AWS quotas', () => {
    expect(POLICY_SIZE_LIMITS).toEqual({
      scp: 5120,
      rcp: 5120,
      managed: 6144,
      inlineRole: 10240,
      inlineUser: 2048,
      inlineGroup: 5120,
      trust: 2048,
    });
  });
});

describe('policySize', () => {
  it('does not count white space for IAM policies', () => {
    expect(policySize(pretty, 'managed')).toBe(compact.length);
    expect(policySize(pretty, 'trust')).toBe(compact.length);
    expect(policySize(pretty, 'inlineRole')).toBe(compact.length);
  });

  it('counts every character as submitted for SCPs and RCPs', () => {
    expect(policySize(pretty, 'scp')).toBe(pretty.length);
    expect(policySize(pretty, 'rcp')).toBe(pretty.length);
    expect(policySize(compact, 'scp')).toBe(compact.length);
  });

  it('counts an object as the compact JSON it is sent as', () => {
    expect(policySize(document, 'scp')).toBe(compact.length);
    expect(policySize(document, 'managed')).toBe(compact.length);
  });

  it('keeps white space inside string values', () => {
    const text = '{ "Statement": { "Sid": "a", "Condition": { "StringEquals": { "k": "two words" } } } }';
    expect(policySize(text, 'managed')).toBe(
      '{"Statement":{"Sid":"a","Condition":{"StringEquals":{"k":"two words"}}}}'.length,
    );
  });

  it('counts escapes as written', () => {
    const text = '{"Sid": "a\\"b"}';
    expect(policySize(text, 'managed')).toBe('{"Sid":"a\\"b"}'.length);
  });

  it('measures the decoded text of a URL-encoded document', () => {
    expect(policySize(encodeURIComponent(pretty), 'managed')).toBe(compact.length);
    expect(policySize(encodeURIComponent(pretty), 'scp')).toBe(pretty.length);
  });

  it('counts non-ASCII characters as their UTF-8 bytes', () => {
    expect(policySize({ Id: 'é' }, 'managed')).toBe('{"Id":"é"}'.length + 1);
  });
});

describe('minifyPolicy', () => {
  it('removes white space between tokens only', () => {
    expect(minifyPolicy(pretty)).toBe(compact);
    expect(minifyPolicy(document)).toBe(compact);
    expect(minifyPolicy('{ "a" : "b c" ,\n\t"d":[ 1 , 2 ] }')).toBe('{"a":"b c","d":[1,2]}');
  });
});

describe('aggregateInlineSize', () => {
  it('adds the white-space-free sizes of all inline policies', () => {
    expect(aggregateInlineSize([pretty, document, compact])).toBe(3 * compact.length);
    expect(aggregateInlineSize([])).toBe(0);
  });
});
