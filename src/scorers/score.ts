/** Helpers that build Score objects, so every scorer reports the same shape. */
import type { Score } from '../records/call-record.js';
import type { Scorer } from './types.js';

type Meta = Pick<Scorer, 'name' | 'kind' | 'id'>;

export function binaryScore(s: Meta, pass: boolean, reason?: string, details?: Record<string, unknown>): Score {
  return {
    name: s.name,
    kind: s.kind,
    scorerId: s.id,
    value: pass ? 1 : 0,
    pass,
    ...(reason ? { reason } : {}),
    ...(details ? { details } : {}),
  };
}

export function continuousScore(
  s: Meta,
  value: number,
  pass: boolean | undefined,
  reason?: string,
  details?: Record<string, unknown>,
): Score {
  return {
    name: s.name,
    kind: s.kind,
    scorerId: s.id,
    value: Math.min(1, Math.max(0, value)),
    ...(pass !== undefined ? { pass } : {}),
    ...(reason ? { reason } : {}),
    ...(details ? { details } : {}),
  };
}

export function errorScore(s: Meta, error: string, details?: Record<string, unknown>): Score {
  return { name: s.name, kind: s.kind, scorerId: s.id, value: null, error, ...(details ? { details } : {}) };
}
