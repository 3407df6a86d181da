// Reports are written in blocks: small pieces are gathered so a write is not paid per line, and nothing is
// lost or reordered on the way.
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { memoryIo } from '../../lib/cli/program';
import { replaceGeneratedSet } from '../../lib/cli/generated-set';
import { inBlocks, warnOfSarifLimit, writeReportToFile } from '../../lib/cli/write-report';
import { InputError } from '../../lib/util/read-input';
import { auditFinding } from '../audit/report/fixtures';

describe('inBlocks', () => {
  it('gathers pieces into blocks of at least the size, the last one shorter, in order', () => {
    const pieces = Array.from({ length: 50 }, (_, i) => `line ${i}\n`);
    const blocks = [...inBlocks(pieces, 64)];
    expect(blocks.join('')).toBe(pieces.join(''));
    expect(blocks.slice(0, -1).every((block) => block.length >= 64)).toBe(true);
    expect(blocks.length).toBeGreaterThan(1);
  });

  it('passes a large piece on as it is, after the small pieces gathered before it', () => {
    const large = 'z'.repeat(40);
    expect([...inBlocks(['a', 'b', large, 'c'], 64)]).toEqual(['ab', large, 'c']);
  });

  it("passes a batch of findings' JSON (16 Ki characters or more) on as it is at the default block size", () => {
    const batch = '→'.repeat(1 << 14);
    expect([...inBlocks(['[', batch, ',', batch, ']'])]).toEqual(['[', batch, ',', batch, ']']);
  });

  it('writes nothing for no pieces or only empty ones', () => {
    expect([...inBlocks([], 64)]).toEqual([]);
    expect([...inBlocks(['', ''], 64)]).toEqual([]);
  });
});

describe('warnOfSarifLimit', () => {
  it('says nothing while the findings fit in one SARIF run', () => {
    const io = memoryIo();
    warnOfSarifLimit(
      io,
      'audit',
      Array.from({ length: 25_000 }, () => auditFinding),
    );
    expect(io.err).toBe('');
  });

  it('says how many findings the SARIF report left out, and where they are', () => {
    const io = memoryIo();
    warnOfSarifLimit(
      io,
      'audit',
      Array.from({ length: 25_002 }, () => auditFinding),
    );
    expect(io.err).toBe(
      'leash audit: the SARIF report holds the 25000 most severe of 25002 findings (GitHub code scanning rejects a run of more); 2 left out are in --format json\n',
    );
  });
});

describe('writeReportToFile', () => {
  const dir = mkdtempSync(join(tmpdir(), 'leash-write-report-'));
  /** A report whose second block fails as a full disk would. */
  function* failingAfterOneBlock(error: Error): Generator<string> {
    yield 'x'.repeat(2 << 20);
    throw error;
  }

  it('writes every piece, in order', () => {
    const file = join(dir, 'whole.json');
    const pieces = Array.from({ length: 3000 }, (_, i) => `${'y'.repeat(1000)} ${i}\n`);
    writeReportToFile(file, pieces);
    expect(readFileSync(file, 'utf8')).toBe(pieces.join(''));
  });

  it('writes blocks of any size and any characters exactly (UTF-8, lone surrogates as U+FFFD)', () => {
    const file = join(dir, 'wide.json');
    const pieces = ['→ ä 😀 \ud800 end\n', '→'.repeat(2_000_000), 'x'.repeat(300_000), 'ü'.repeat(1_500_000)];
    writeReportToFile(file, pieces);
    expect(readFileSync(file).equals(Buffer.from(pieces.join(''), 'utf8'))).toBe(true);
  });

  it('writes a surrogate pair split between two pieces as the one character it is', () => {
    const file = join(dir, 'split-pair.json');
    const pieces = ['a\ud83d', '\ude00b', 'c\ud83d', '', '\ude00', 'end \ud800'];
    writeReportToFile(file, pieces);
    expect(readFileSync(file).equals(Buffer.from(pieces.join(''), 'utf8'))).toBe(true);
    expect(readFileSync(file, 'utf8')).toBe('a😀bc😀end \ufffd');
  });

  it('keeps the previous report when writing fails, and names the file and the system error', () => {
    const file = join(dir, 'full-disk.json');
    writeFileSync(file, 'yesterday');
    const full = Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    expect(() => writeReportToFile(file, failingAfterOneBlock(full))).toThrow(
      new InputError(`${file}: cannot write: ENOSPC: no space left on device, write; the previous file is unchanged`),
    );
    expect(readFileSync(file, 'utf8')).toBe('yesterday');
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('leaves nothing when rendering fails, and keeps that error as it is', () => {
    const file = join(dir, 'bug.json');
    const bug = new TypeError('cannot read properties of undefined');
    expect(() => writeReportToFile(file, failingAfterOneBlock(bug))).toThrow(bug);
    expect(existsSync(file)).toBe(false);
    expect(readdirSync(dir).filter((name) => name.endsWith('.tmp'))).toEqual([]);
  });

  it('refuses to write over one of the inputs, even by another name, and leaves it unchanged', () => {
    const input = join(dir, 'authz.json');
    writeFileSync(input, '{"RoleDetailList": []}');
    symlinkSync(input, join(dir, 'link.json'));
    for (const output of [input, join(dir, 'link.json'), join(dir, '.', 'authz.json')]) {
      expect(() => writeReportToFile(output, ['report'], { inputs: [undefined, input] })).toThrow(
        `--output ${output}: is the input ${input}`,
      );
    }
    expect(readFileSync(input, 'utf8')).toBe('{"RoleDetailList": []}');
  });

  it('keeps the mode of the file it replaces', () => {
    const file = join(dir, 'private.json');
    writeFileSync(file, 'old', { mode: 0o600 });
    chmodSync(file, 0o600);
    writeReportToFile(file, ['new']);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(readFileSync(file, 'utf8')).toBe('new');
  });
});

describe('on a full disk (a 64 KiB tmpfs)', () => {
  const mountPoint = mkdtempSync(join(tmpdir(), 'leash-full-disk-'));
  let mounted = false;
  beforeAll(() => {
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=64k', 'tmpfs', mountPoint], { stdio: 'ignore' });
      mounted = true;
    } catch {
      console.warn('skipped: full-disk cases need root to mount a small tmpfs (mount -t tmpfs); not possible here');
    }
  });
  afterAll(() => {
    if (mounted) execFileSync('umount', [mountPoint]);
  });
  const maybe = (name: string, body: () => void) =>
    it(name, () => {
      if (!mounted) return;
      body();
    });

  maybe('a report that does not fit leaves the previous one whole', () => {
    const file = join(mountPoint, 'report.json');
    writeFileSync(file, '{"previous": true}');
    const big = Array.from({ length: 200 }, (_, i) => `${'z'.repeat(1000)} ${i}\n`);
    expect(() => writeReportToFile(file, big)).toThrow(
      /report\.json: cannot write: ENOSPC.*previous file is unchanged/,
    );
    expect(readFileSync(file, 'utf8')).toBe('{"previous": true}');
    expect(readdirSync(mountPoint)).toEqual(['report.json']);
  });

  maybe('a policy set that does not fit leaves the previous set whole', () => {
    const out = join(mountPoint, 'guardrails');
    mkdirSync(out);
    writeFileSync(join(out, 'scp-1.json'), 'old');
    const files = new Map([
      ['scp-1.json', 'n'.repeat(40_000)],
      ['scp-2.json', 'm'.repeat(40_000)],
    ]);
    expect(() => replaceGeneratedSet(out, files, [])).toThrow(/cannot write: ENOSPC.*previous files are unchanged/);
    expect(readdirSync(out)).toEqual(['scp-1.json']);
    expect(readFileSync(join(out, 'scp-1.json'), 'utf8')).toBe('old');
    expect(readdirSync(mountPoint).filter((name) => name.startsWith('.'))).toEqual([]);
  });
});
