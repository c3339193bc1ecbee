import { describe, expect, it } from 'vitest';
import { formatSeconds, formatValue, Progress } from './progress.js';

function capture(isTTY: boolean, columns?: number) {
  const out = { isTTY, columns, text: '', write(s: string) { this.text += s; } };
  let t = 0;
  const clock = { now: () => t, advance: (ms: number) => void (t += ms) };
  return { out, clock };
}

describe('Progress', () => {
  it('formats values by kind', () => {
    expect(formatValue('loss', 0.123456)).toBe('0.1235');
    expect(formatValue('valAccuracy', 0.97312)).toBe('97.31%');
    expect(formatValue('lr', 0.001)).toBe('1.00e-3');
    expect(formatValue('loss', 1.5e-5)).toBe('1.500e-5');
    expect(formatValue('loss', NaN)).toBe('NaN');
    expect(formatSeconds(5.04)).toBe('5.0s');
    expect(formatSeconds(125)).toBe('2m05s');
    expect(formatSeconds(7300)).toBe('2h01m');
  });

  it('redraws one line in place at most every refreshMs, with batch i/n, samples/s and ETA, then the summary', () => {
    const { out, clock } = capture(true);
    const p = new Progress('bar', out, 3, { refreshMs: 100, now: clock.now });
    p.epochStart();
    for (let b = 1; b <= 4; b++) {
      clock.advance(60);
      if (p.wantsRefresh(b, 4)) p.batch(1, b, 4, 32 * b, { loss: 1 / b });
    }
    p.trainEnd();
    clock.advance(160); // validation: in the epoch's time, not in samples/s
    p.epochEnd(1, 4, 128, { epoch: 1, loss: 0.25, lr: 0.1 });
    const draws = out.text.split('\r').slice(1);
    expect(draws).toEqual([
      'epoch 1/3  [=====>              ] 1/4  loss 1.0000  533 samples/s  ETA 0.2s',
      'epoch 1/3  [===============>    ] 3/4  loss 0.3333  533 samples/s  ETA 0.1s',
      `epoch 1/3  [====================] 4/4  loss 0.2500  533 samples/s${' '.repeat(10)}`, // padded over the ETA
      'epoch 1/3  4 batches  loss 0.2500  lr 1.00e-1  0.4s  533 samples/s\n',
    ]);
  });

  it('cuts lines to the terminal width and pads over longer previous ones', () => {
    const { out, clock } = capture(true, 30);
    const p = new Progress('bar', out, 1, { now: clock.now });
    p.epochStart();
    clock.advance(1000);
    p.batch(1, 1, 2, 10, { loss: 1 });
    p.message('hi');
    const line = 'epoch 1/1  [==========>         ] 1/2  loss 1.0000  10 samples/s  ETA 1.0s'.slice(0, 29);
    expect(out.text).toBe(`\r${line}\r${' '.repeat(29)}\rhi\n`);
  });

  it('prints only the summary line per epoch when not on a terminal, and nothing when off', () => {
    const { out, clock } = capture(false);
    const p = new Progress('lines', out, 2, { now: clock.now });
    p.epochStart();
    expect(p.wantsRefresh(1, 2)).toBe(false);
    clock.advance(2000);
    p.epochEnd(1, 2, 100, { epoch: 1, loss: 0.5, accuracy: 0.75, lr: 0.01 });
    p.message('done');
    expect(out.text).toBe('epoch 1/2  2 batches  loss 0.5000  accuracy 75.00%  lr 1.00e-2  2.0s  50 samples/s\ndone\n');
    const off = capture(true);
    const q = new Progress('off', off.out, 2);
    q.epochStart();
    q.epochEnd(1, 2, 100, { epoch: 1, loss: 0.5, lr: 0.01 });
    q.message('x');
    expect(off.out.text).toBe('');
  });
});
