// usage: node _prof.mjs case steps
import * as nn from '@nn/tensor';
const name = process.argv[2], steps = Number(process.argv[3] ?? 200);
process.argv = [process.argv[0], 'models.js', '--only=none'];
