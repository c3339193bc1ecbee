/**
 * Test helper: writes a checkpoint in version 1's layout (one safetensors file, the JSON in `__metadata__` under
 * `nn.fit`, tensors named `model.*`, `optimizer.<param>.<key>`, `best.*`, `running.<name>`), as fit wrote them
 * before checkpoints used `save`, to test that they are still read.
 */
import { saveSafetensors } from '@nn/layers';
import { Tensor } from '@nn/tensor';
import type { Checkpoint } from './checkpoint-format.js';

export function encodeV1(c: Checkpoint): Uint8Array {
  const tensors: Record<string, Tensor> = {};
  for (const [k, t] of Object.entries(c.model)) tensors[`model.${k}`] = t;
  for (const [k, t] of Object.entries(c.best ?? {})) tensors[`best.${k}`] = t;
  c.running?.names.forEach((n, i) => (tensors[`running.${n}`] = c.running!.sums[i]!));
  const state: Record<string, Record<string, unknown>> = {};
  for (const [i, entry] of Object.entries(c.optimizer.state)) {
    state[i] = {};
    for (const [k, v] of Object.entries(entry)) {
      if (v instanceof Tensor) {
        tensors[`optimizer.${i}.${k}`] = v;
        state[i]![k] = `optimizer.${i}.${k}`;
      } else state[i]![k] = v;
    }
  }
  const { model: _m, best: _b, running, ...rest } = c;
  const meta = { ...rest, version: 1, running: running ? running.names : null, optimizer: { ...c.optimizer, state } };
  const json = JSON.stringify(meta, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? { $number: String(v) } : v));
  return saveSafetensors(tensors, { 'nn.fit': json });
}
