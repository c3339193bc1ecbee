import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { DEFAULTS, parseArgs } from './args.js';
import { DEFAULT_WORDS } from './data.js';
import { main } from './train.js';

function io() {
  const out = { text: '', write(s: string) { this.text += s; } };
  const err = { text: '', write(s: string) { this.text += s; } };
  return { out, err };
}

describe('character-level language model', () => {
  it.skipIf(!existsSync(DEFAULT_WORDS) && !process.env.CI)('learns: validation bits/char well below the unigram baseline after one short epoch', () => {
    const { out, err } = io();
    expect(main(['--limit', '10000', '--epochs', '1', '--hidden', '64', '--seed', '1'], { out, err })).toBe(0);
    expect(err.text).toBe('');
    const lines = out.text.trimEnd().split('\n');
    expect(lines[0]).toBe(`${DEFAULT_WORDS}: 9000 training / 1000 validation words (every 10th held out), ${lines[0]!.match(/(\d+) symbols$/)![1]} symbols`);
    expect(lines[1]).toMatch(/^model Embedding\(\d+, 32\) → LSTM\(32, 64\) → Linear\(64, \d+\): \d+ parameters, seed 1$/);
    const baseline = Number(/^unigram baseline: (\d\.\d{3}) bits\/char$/.exec(lines[3]!)![1]);
    const validation = Number(/^epoch 1\/1  train \d\.\d{3} bits\/char  validation (\d\.\d{3}) bits\/char  \d+\.\ds$/.exec(lines[4]!)![1]);
    expect(baseline).toBeGreaterThan(4);
    expect(validation).toBeLessThan(baseline - 0.5);
    expect(lines[5]).toMatch(/^samples \(temperature 0\.8\): \S+( \S+){7}$/);
    expect(lines[6]).toMatch(/^run time: \d+\.\ds$/);
  });

  it('says how to get the word list when it is missing', () => {
    const { out, err } = io();
    expect(main(['--words', '/nonexistent/words'], { out, err })).toBe(1);
    expect(err.text).toBe("charlm: word list /nonexistent/words not found: install Debian's word list with 'apt-get install wamerican', or pass --words PATH\n");
    expect(out.text).toBe('');
  });

  it('prints the help and exits 0', () => {
    const { out, err } = io();
    expect(main(['--help'], { out, err })).toBe(0);
    expect(out.text).toMatch(/^usage: node examples\/dist\/charlm\/train\.js \[flags\]/);
    for (const flag of ['--words', '--epochs', '--hidden', '--seed', '--limit', '--help']) expect(out.text).toContain(`  ${flag} `);
    expect(err.text).toBe('');
  });

  it('rejects bad flags with a clear message and exit status 2', () => {
    const cases: [string[], string][] = [
      [['--epoch', '3'], "charlm: unknown flag '--epoch' (try --help)\n"],
      [['--epochs', '0'], "charlm: --epochs needs an integer >= 1, got '0' (try --help)\n"],
      [['--hidden', 'big'], "charlm: --hidden needs an integer >= 1, got 'big' (try --help)\n"],
      [['--limit', '5'], "charlm: --limit needs an integer >= 20, got '5' (try --help)\n"],
      [['--seed'], 'charlm: --seed needs a value (try --help)\n'],
      [['--words', '--epochs', '1'], 'charlm: --words needs a value (try --help)\n'],
      [['words.txt'], "charlm: unexpected argument 'words.txt' (try --help)\n"],
    ];
    for (const [argv, message] of cases) {
      const { out, err } = io();
      expect(main(argv, { out, err })).toBe(2);
      expect(err.text).toBe(message);
      expect(out.text).toBe('');
    }
  });

  it('parses flags in both --flag value and --flag=value forms', () => {
    expect(parseArgs([])).toEqual(DEFAULTS);
    expect(parseArgs(['--hidden=64', '--epochs', '3', '--words=/w', '--limit', '500'])).toEqual({ ...DEFAULTS, hidden: 64, epochs: 3, words: '/w', limit: 500 });
  });
});
