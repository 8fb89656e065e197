/**
 * The built-in offline embedder: deterministic, no downloads, no network.
 *
 * A text becomes a fixed-dimension unit vector by feature hashing (Weinberger et al., 2009) of
 * - word unigrams (weight 1) and bigrams (0.5), after NFKC normalisation and lower-casing, and
 * - character 3- to 5-grams of each word with boundary marks (weight 0.25 each),
 * with sublinear term frequency (1 + ln tf), a signed 32-bit FNV-1a hash choosing index and sign,
 * and very common English function words down-weighted (×0.1) in place of a corpus IDF.
 *
 * It measures LEXICAL similarity: shared words and word pieces. Paraphrases with different words
 * score low; a negation ("can" / "cannot") barely moves it. Use an embeddings model
 * (`provider: openai`) when meaning matters.
 */
import { normalise } from './vector.js';

export const LOCAL_EMBEDDING_DIMENSIONS = 1024;

const STOPWORDS = new Set(
  'a an and are as at be by for from has have i in is it its of on or that the this to was were will with you your we our they their he she his her them me my do does did not no so if then than can'.split(
    ' ',
  ),
);

/** FNV-1a, 32 bit. */
function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

const WORD = /[\p{L}\p{N}]+(?:['’][\p{L}]+)?/gu;

export function localEmbedding(text: string, dimensions = LOCAL_EMBEDDING_DIMENSIONS): Float32Array {
  const counts = new Map<string, number>();
  const add = (feature: string, weight: number) => counts.set(feature, (counts.get(feature) ?? 0) + weight);
  const words = text.normalize('NFKC').toLowerCase().match(WORD) ?? [];
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    const stop = STOPWORDS.has(word);
    add(`w:${word}`, stop ? 0.1 : 1);
    if (i > 0) add(`b:${words[i - 1]} ${word}`, 0.5);
    if (stop) continue;
    const padded = `#${word}#`;
    for (let n = 3; n <= 5; n++) {
      for (let j = 0; j + n <= padded.length; j++) add(`c:${padded.slice(j, j + n)}`, 0.25);
    }
  }
  const vector = new Float32Array(dimensions);
  for (const [feature, tf] of counts) {
    const h = fnv1a(feature);
    const sign = h & 0x80000000 ? -1 : 1;
    vector[h % dimensions] = (vector[h % dimensions] as number) + sign * (1 + Math.log(tf));
  }
  return normalise(vector);
}
