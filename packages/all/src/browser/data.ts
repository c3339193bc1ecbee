/**
 * A page that imports @nn/data alone (browser.test.ts): the IDX reader parses bytes held in memory, and the file
 * reader, which needs Node.js, says so without the browser requesting a `node:` module.
 */
import { readIdx, readIdxFile } from '@nn/data';

// An IDX file of two 2×2 unsigned-byte images: magic 0x00000803, dimensions 2, 2, 2, then the pixels.
const idx = new Uint8Array([0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 1, 2, 3, 4, 5, 6, 7, 255]);
const images = await readIdx(idx);
const result = {
  shape: images.shape,
  values: Array.from(images.dataSync()),
  readFile: await readIdxFile('train-images-idx3-ubyte.gz').then(() => 'no error', (e: Error) => e.message),
};
document.querySelector('[data-testid=status]')!.textContent = `ready ${JSON.stringify(result)}`;
