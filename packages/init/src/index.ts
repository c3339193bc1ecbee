/**
 * @nn/init: weight initializers as pure functions returning new float32 tensors, with PyTorch's formulas
 * and defaults, plus the helpers they are built on.
 */
export type { InitOptions } from './options.js';
export { uniform } from './uniform.js';
export { normal } from './normal.js';
export { truncNormal, type TruncNormalOptions } from './trunc-normal.js';
export { constant, zeros, ones } from './constant.js';
export { xavierUniform, xavierNormal, glorotUniform, glorotNormal, type XavierOptions } from './xavier.js';
export { kaimingUniform, kaimingNormal, heUniform, heNormal, type KaimingOptions, type FanMode } from './kaiming.js';
export { orthogonal, type OrthogonalOptions } from './orthogonal.js';
export { calculateGain, type Nonlinearity } from './gain.js';
export { fanInFanOut, type Fans } from './fan.js';
export {
  uniform_, normal_, truncNormal_, constant_, zeros_, ones_, xavierUniform_, xavierNormal_, kaimingUniform_, kaimingNormal_,
  orthogonal_, type InPlace, type UniformOptions, type NormalOptions,
} from './in-place.js';
export { weightSelection, selectionIndices, type SelectionMethod, type WeightSelectionOptions, type WeightSelectionStudent } from './weight-selection.js';
