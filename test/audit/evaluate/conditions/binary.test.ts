import { BinaryEquals } from '../../../../lib/audit/evaluate/conditions/binary';

describe('BinaryEquals', () => {
  const hello = Buffer.from('hello').toString('base64');
  it('matches the same bytes', () => expect(BinaryEquals.matches(hello, hello)).toBe(true));
  it('ignores line breaks in the encoding', () =>
    expect(BinaryEquals.matches(hello, `${hello.slice(0, 4)}\n${hello.slice(4)}`)).toBe(true));
  it('does not match other bytes', () =>
    expect(BinaryEquals.matches(Buffer.from('world').toString('base64'), hello)).toBe(false));
  it('does not match values that are not base64', () =>
    expect(BinaryEquals.matches('not base64!', 'not base64!')).toBe(false));
});
