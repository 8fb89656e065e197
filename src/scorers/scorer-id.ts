import { canonicalHash } from '../util/hash.js';

/** 16 hex of the hash of everything that decides a scorer's verdicts. */
export function scorerId(parts: unknown): string {
  return canonicalHash(parts).slice(0, 16);
}
