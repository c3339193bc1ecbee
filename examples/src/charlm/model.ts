/** The character-level language model: Embedding → LSTM → Linear, predicting each next symbol of a word. */
import { Embedding, Linear, LSTM, Module } from '@nn/layers';
import type { Generator, Tensor } from '@nn/tensor';

export interface CharLMOptions {
  vocab: number;
  embed: number;
  hidden: number;
  generator?: Generator;
}

/** LSTM states [hN, cN], each [1, N, hidden]. */
export type State = [Tensor, Tensor];

/**
 * Symbols [L, N] (int32, time-major) → logits [L, N, vocab] of the next symbol at every position, with the
 * LSTM's final state for continuing the sequence (as sampling does, one symbol at a time).
 */
export class CharLM extends Module<[input: Tensor, state?: State | null], [Tensor, State]> {
  readonly embedding: Embedding;
  readonly lstm: LSTM;
  readonly head: Linear;

  constructor(o: CharLMOptions) {
    super();
    const generator = o.generator;
    this.embedding = this.registerModule('embedding', new Embedding(o.vocab, o.embed, { generator }));
    this.lstm = this.registerModule('lstm', new LSTM(o.embed, o.hidden, { generator }));
    this.head = this.registerModule('head', new Linear(o.hidden, o.vocab, { generator }));
  }

  forward(input: Tensor, state?: State | null): [Tensor, State] {
    const [h, next] = this.lstm.forward(this.embedding.forward(input), state);
    return [this.head.forward(h), next];
  }
}
