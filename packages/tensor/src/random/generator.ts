import { philoxWords } from './philox.js';
import { journal } from '../state-journal.js';

export interface GeneratorState {
  seed: number;
  /** Philox blocks (of 4 u32 words) consumed so far. */
  offset: number;
}

/** PyTorch's default seed, so an unseeded program is still reproducible. */
const DEFAULT_SEED = 67280421310721;

function checkSeed(op: string, seed: unknown): number {
  if (typeof seed !== 'number' || !Number.isSafeInteger(seed) || seed < 0)
    throw new Error(`${op}: seed must be a non-negative safe integer, got ${String(seed)}`);
  return seed;
}

/**
 * A seeded, counter-based random stream (Philox4x32-10). Each draw takes the next blocks of the counter, so
 * the values depend only on (seed, offset) — identical on every backend — and `getState`/`setState`
 * checkpoint it exactly.
 */
export class Generator {
  private seed = DEFAULT_SEED;
  private offset = 0;

  constructor(seed?: number) {
    if (seed !== undefined) this.manualSeed(seed);
  }

  manualSeed(seed: number): this {
    this.seed = checkSeed('Generator.manualSeed', seed);
    this.offset = 0;
    return this;
  }

  initialSeed(): number {
    return this.seed;
  }

  getState(): GeneratorState {
    return { seed: this.seed, offset: this.offset };
  }

  setState(state: GeneratorState): this {
    if (typeof state !== 'object' || state === null) throw new Error('Generator.setState: state must be an object {seed, offset}');
    this.seed = checkSeed('Generator.setState', state.seed);
    if (!Number.isSafeInteger(state.offset) || state.offset < 0)
      throw new Error(`Generator.setState: offset must be a non-negative safe integer, got ${String(state.offset)}`);
    this.offset = state.offset;
    return this;
  }

  /** The next `n` u32 words of the stream (always whole blocks are consumed). */
  nextWords(n: number): Uint32Array {
    journal?.draw(this);
    const key: [number, number] = [this.seed % 4294967296 >>> 0, Math.floor(this.seed / 4294967296) >>> 0];
    const words = philoxWords(key, this.offset, n);
    this.offset += words.length / 4;
    return words;
  }
}

export const defaultGenerator = new Generator();

/** Seeds the default generator (used by rand/randn/randint, init, dropout and shuffling when none is given). */
export function manualSeed(seed: number): Generator {
  return defaultGenerator.manualSeed(seed);
}
