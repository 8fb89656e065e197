/**
 * Realistic production logs with planted events whose truth is known, as normalized records: weeks
 * of calls with a diurnal volume (busy afternoons, quiet nights), several features with their own
 * token profiles, user tiers (`attributes.tier`), an alias (`gpt-4o`) answered by a dated snapshot
 * with a fingerprint, thumbs up/down feedback, latency. Plants: a prompt change multiplying one
 * feature's output tokens from a given time, and the alias moving to a new snapshot at a given time.
 * Deterministic for a seed.
 */
import { mulberry32 } from '../../src/stats/rng.js';
import type { NormalizedLog } from '../../src/sources/normalized-log.js';

export interface Plants {
  /** From this time, `feature`'s output tokens per call are multiplied by `factor`. */
  readonly promptChange?: { readonly feature: string; readonly at: Date; readonly factor: number };
  /** From this time, `gpt-4o` answers as `to` with fingerprint `fingerprint`. */
  readonly aliasMove?: { readonly at: Date; readonly to: string; readonly fingerprint: string };
  /** Once the alias has moved, the share of thumbs up falls from 0.8 to this. */
  readonly thumbsUpAfterMove?: number;
  /** From this time, `share` of `feature`'s questions are about a new topic, worded at length. */
  readonly newTopic?: { readonly feature: string; readonly at: Date; readonly share: number };
  /** From this time, `feature` runs prompt version 2 (version 1 before), with this share of thumbs up. */
  readonly promptChangeFeedback?: { readonly feature: string; readonly at: Date; readonly thumbsUp: number };
  /** From this time, `feature`'s answers cite their sources (the quality a rule checks) this often, not 90%. */
  readonly qualityDrop?: { readonly feature: string; readonly at: Date; readonly cited: number };
}

export const DAY = 86_400_000;
/** A Monday, twelve weeks before the week the tests plant their events in. */
export const START = new Date('2026-09-07T00:00:00Z');

export const FEATURES = [
  { name: 'faq', share: 0.45, input: 350, output: 120 },
  { name: 'essay-feedback', share: 0.25, input: 1_400, output: 420 },
  { name: 'search', share: 0.2, input: 600, output: 60 },
  { name: 'billing', share: 0.1, input: 500, output: 150 },
] as const;
const TIERS = ['free', 'free', 'free', 'pro', 'pro', 'enterprise'] as const;

/** Calls an hour: busy in the afternoon (UTC), quiet at night. */
const hourly = (hour: number, base: number) =>
  base * (0.35 + 0.65 * Math.max(0, Math.sin(((hour - 6) / 24) * 2 * Math.PI)) + 0.15);

export function* productionLogs(options: {
  readonly start: Date;
  readonly days: number;
  readonly callsPerHour: number;
  readonly seed: number;
  readonly plants?: Plants;
}): Generator<NormalizedLog> {
  const rng = mulberry32(options.seed);
  const { plants = {} } = options;
  let n = 0;
  for (let h = 0; h < options.days * 24; h++) {
    const hourStart = options.start.getTime() + h * 3_600_000;
    const calls = Math.round(hourly(new Date(hourStart).getUTCHours(), options.callsPerHour) * (0.9 + 0.2 * rng()));
    for (let c = 0; c < calls; c++, n++) {
      const t = hourStart + Math.floor(rng() * 3_600_000);
      let pick = rng();
      const feature = FEATURES.find((f) => (pick -= f.share) < 0) ?? FEATURES[0];
      const moved = plants.aliasMove && t >= plants.aliasMove.at.getTime();
      const served = moved ? (plants.aliasMove?.to ?? '') : 'gpt-4o-2024-08-06';
      const change =
        plants.promptChange && plants.promptChange.feature === feature.name && t >= plants.promptChange.at.getTime()
          ? plants.promptChange.factor
          : 1;
      const cited =
        plants.qualityDrop && plants.qualityDrop.feature === feature.name && t >= plants.qualityDrop.at.getTime()
          ? plants.qualityDrop.cited
          : 0.9;
      const inputTokens = Math.round(feature.input * (0.7 + 0.6 * rng()));
      const outputTokens = Math.round(feature.output * change * (0.6 + 0.8 * rng()));
      const user = `user-${Math.floor(rng() ** 2 * 400)}`;
      const newPrompt =
        plants.promptChangeFeedback?.feature === feature.name && t >= plants.promptChangeFeedback.at.getTime();
      const up = newPrompt
        ? (plants.promptChangeFeedback?.thumbsUp ?? 0.8)
        : moved && plants.thumbsUpAfterMove !== undefined
          ? plants.thumbsUpAfterMove
          : 0.8;
      const thumbs = rng() < 0.08 ? [{ name: 'thumbs', value: rng() < up ? 1 : 0, source: 'user' }] : [];
      const topical =
        plants.newTopic && plants.newTopic.feature === feature.name && t >= plants.newTopic.at.getTime()
          ? rng() < plants.newTopic.share
          : false;
      const question = topical
        ? `I was charged twice for my subscription renewal this month and would like a refund of the duplicate payment, reference ${Math.floor(rng() * 5_000)}`
        : `${feature.name} question ${Math.floor(rng() * 5_000)}`;
      yield {
        schemaVersion: 1,
        source: 'generator',
        traceId: `t-${options.seed}-${n}`,
        time: new Date(t).toISOString(),
        latencyMs: Math.round(400 + outputTokens * 12 * (0.8 + 0.4 * rng())),
        feature: feature.name,
        user,
        session: `${user}-s${Math.floor(t / 86_400_000)}`,
        input: {
          messages: [
            { role: 'system', content: `You are the ${feature.name} assistant.` },
            { role: 'user', content: question },
          ],
        },
        output: {
          text: `An answer of about ${outputTokens} tokens.${rng() < cited ? ' Sources: the help centre.' : ''}`,
        },
        requestedModel: 'gpt-4o',
        servedModel: served,
        fingerprint: moved ? (plants.aliasMove?.fingerprint ?? '') : 'fp_a1b2c3d4e5',
        usage: { inputTokens, outputTokens },
        ...(thumbs.length ? { feedback: thumbs } : {}),
        prompt: { name: `${feature.name}-system`, version: newPrompt ? 2 : 1 },
        attributes: { tier: TIERS[Math.floor(rng() * TIERS.length)] },
      };
    }
  }
}
