/**
 * Seeded pseudo-random numbers, so every resampling result (permutation p-values, bootstrap
 * intervals, simulations) is reproducible run to run and machine to machine.
 * Mulberry32: a small 32-bit generator, ample for resampling (not for cryptography).
 */
import { createHash } from 'node:crypto';

export type Random = () => number;

export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A 32-bit seed from any text (e.g. suite and metric names): stable and independent per metric. */
export function seedFrom(text: string): number {
  return createHash('sha256').update(text).digest().readUInt32LE(0);
}
