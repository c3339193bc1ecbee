/** @nn/data: datasets, a DataLoader (minibatches, epochs, shuffling without replacement) and IDX / CSV readers. */
export type { Dataset, DatasetLike, SampleOf } from './dataset.js';
export { TensorDataset } from './tensor-dataset.js';
export { Subset } from './subset.js';
export { randomSplit, type RandomSplitOptions } from './random-split.js';
export { defaultCollate, type Collated } from './collate.js';
export { DataLoader, type DataLoaderOptions, type BatchSize } from './data-loader.js';
export type { DataLoaderState } from './data-loader-state.js';
export { parseIdx, readIdx, readIdxFile, type IdxOptions } from './idx.js';
export { parseCsv, readCsvFile, type CsvOptions, type CsvTable } from './csv.js';
