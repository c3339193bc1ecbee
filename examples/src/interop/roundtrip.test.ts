import { describe, expect, it } from 'vitest';
import { DEFAULTS, findTorch, main, parseArgs, run, type Options } from './roundtrip.js';

/** A small run: 512 digits, 8 steps per epoch, 16 in @nn, 8 in PyTorch (or @nn), 8 back in @nn. */
const small = (python: string | null): Options => ({ ...DEFAULTS, limit: 512, epochs: [2, 1, 1], python });

function io() {
  const out = { text: '', write(s: string) { this.text += s; } };
  const err = { text: '', write(s: string) { this.text += s; } };
  return { out, err };
}

const torch = findTorch(DEFAULTS.python);

describe('interop round trip: @nn → PyTorch → @nn, then ONNX', () => {
  it('without PyTorch, resumes from its own torch-layout file bit for bit, and onnxruntime-node matches the model', async () => {
    const { out } = io();
    const r = await run(small(null), { out });
    expect(r.steps).toEqual([16, 8, 8]);
    expect(r.torch).toEqual({ why: '--python none' });
    // savePt → loadPt of model, AdamW and CosineAnnealingLR state loses nothing: the same floats as never leaving.
    expect(r.resumed).toEqual(r.reference.slice(16));
    expect(r.maxParamDiff).toBe(0);
    expect(r.reference[0]).toBeGreaterThan(2); // ~ln(10) at the start
    expect(r.reference.at(-1)).toBeLessThan(1);
    expect(r.onnxMaxDiff).not.toBeNull(); // onnxruntime-node is a dev dependency of the examples
    expect(r.onnxMaxDiff!).toBeLessThan(1e-4);
    expect(r.accuracy).toBeGreaterThan(0.6);
    expect(out.text).toContain('PyTorch  not run: --python none. Continuing in @nn from nn.pt instead');
    expect(out.text).toMatch(/max \|parameter difference\| after 32 steps, round trip vs never left: 0\.00e\+0/);
  });

  // Needs /usr/bin/python3 with torch (not in CI): the hand-off through a real torch.load / torch.save.
  it.runIf('version' in torch)('with PyTorch, continues on the same trajectory within float32 rounding', async () => {
    const { out } = io();
    const r = await run(small(DEFAULTS.python), { out });
    if (!('losses' in r.torch)) throw new Error(`PyTorch did not run: ${JSON.stringify(r.torch)}`);
    expect(r.torch.losses).toHaveLength(8);
    r.torch.losses.forEach((l, i) => expect(Math.abs(l - r.reference[16 + i]!), `step ${17 + i}`).toBeLessThan(1e-5));
    r.resumed.forEach((l, i) => expect(Math.abs(l - r.reference[24 + i]!), `step ${25 + i}`).toBeLessThan(1e-5));
    expect(r.maxParamDiff).toBeGreaterThan(0); // PyTorch's kernels round differently...
    expect(r.maxParamDiff).toBeLessThan(1e-5); // ...but within float32 rounding
    expect(out.text).toMatch(/PyTorch {2}steps 17-24 \(torch 1\.\d+/);
  });

  it('parses flags and rejects bad ones', async () => {
    expect(parseArgs(['--epochs', '1,2,3', '--python', 'none', '--limit', '100'])).toMatchObject({ epochs: [1, 2, 3], python: null, limit: 100 });
    expect(() => parseArgs(['--epochs', '3,1'])).toThrow("--epochs needs three integers >= 1 such as 3,1,1, got '3,1'");
    expect(() => parseArgs(['--limit', '10'])).toThrow('--batch-size 64 exceeds --limit 10');
    const bad = io();
    expect(await main(['--lr', '-1'], bad)).toBe(2);
    expect(bad.err.text).toBe("interop: --lr needs a positive number, got '-1' (try --help)\n");
    const help = io();
    expect(await main(['--help'], help)).toBe(0);
    expect(help.out.text).toMatch(/^usage: node examples\/dist\/interop\/roundtrip\.js/);
  });
});
