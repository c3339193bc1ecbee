/**
 * @nn/onnx: ONNX export of @nn models. `exportOnnx(model, exampleInputs, {opset, dynamicBatch})` traces the
 * model in eval mode and returns the bytes of an ONNX model that onnxruntime (Node, web) runs with the same outputs.
 */
export { exportOnnx, type ExportOnnxOptions } from './export.js';
