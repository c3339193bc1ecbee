/**
 * Test helper: a state dict in the earlier JSON form (each tensor `{shape, dtype, data}` with NaN, ±Infinity and
 * -0 as strings), which compares bit for bit with `toEqual`, survives `JSON.stringify`, and is what
 * `loadStateDict` still accepts from earlier versions.
 */
import { Tensor } from '@nn/tensor';
import { encodeValues, type JsonOptimizerStateDict, type OptimizerStateDict } from '../state-dict.js';

export function jsonStateDict(sd: OptimizerStateDict): JsonOptimizerStateDict {
  const state: JsonOptimizerStateDict['state'] = {};
  for (const [i, entry] of Object.entries(sd.state)) {
    state[i] = {};
    for (const [k, v] of Object.entries(entry))
      state[i]![k] = v instanceof Tensor ? { shape: [...v.shape], dtype: 'float32', data: encodeValues(v.dataSync()) } : v;
  }
  return JSON.parse(JSON.stringify({ state, paramGroups: sd.paramGroups })) as JsonOptimizerStateDict;
}
