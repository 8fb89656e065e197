/**
 * Near-duplicate questions: among the sample's distinct inputs, per stratum, the share that has
 * another at embedding similarity ≥ 0.95 (the drift embedder; the local one is free and lexical,
 * a provider's is semantic). Exact repeats are counted over every line by the sampler; these are
 * the ones a semantic response cache would also catch — rephrasings of the same question.
 */
import { cosine } from '../scorers/similarity/vector.js';
import type { ChatMessage } from '../conversation/types.js';
import { messageText } from '../conversation/types.js';

export const NEAR_DUPLICATE_SIMILARITY = 0.95;

export interface NearDuplicates {
  readonly stratum: string;
  readonly inputs: number;
  /** Sampled distinct inputs with another at similarity ≥ 0.95. */
  readonly nearDuplicates: number;
  readonly share: number;
}

const userText = (input: readonly ChatMessage[]) =>
  input
    .filter((m) => m.role === 'user')
    .map((m) => messageText(m))
    .join('\n');

export async function nearDuplicates(
  items: readonly { readonly input: readonly ChatMessage[]; readonly stratum: string }[],
  embed: (texts: readonly string[]) => Promise<Float32Array[]>,
): Promise<NearDuplicates[]> {
  if (items.length < 2) return [];
  const vectors = await embed(items.map((i) => userText(i.input)));
  const strata = [...new Set(items.map((i) => i.stratum))].sort();
  return strata.flatMap((stratum) => {
    const members = items.flatMap((item, k) => (item.stratum === stratum ? [vectors[k]] : []));
    const vs = members.filter((v): v is Float32Array => v !== undefined);
    if (vs.length < 2) return [];
    let near = 0;
    for (const [a, va] of vs.entries())
      if (vs.some((vb, b) => b !== a && cosine(va, vb) >= NEAR_DUPLICATE_SIMILARITY)) near++;
    return [{ stratum, inputs: vs.length, nearDuplicates: near, share: near / vs.length }];
  });
}
