/**
 * Keeps `.driftgate/cache/` between workflow runs with the Actions cache, so an unchanged case costs
 * nothing on the next push. Cache entries are immutable, so every run saves under a new key and
 * restores the newest entry sharing the prefix (same config); entries only ever accumulate answers.
 * Without the cache service (a local run, GitHub Enterprise without it) this is skipped with a note.
 */
import * as cache from '@actions/cache';
import * as core from '@actions/core';

export interface CacheKeys {
  readonly primary: string;
  readonly restore: readonly string[];
}

export function cacheKeys(
  configHash: string,
  env: NodeJS.ProcessEnv = process.env,
  shard?: { index: number; count: number },
): CacheKeys {
  const prefix = `driftgate-cache-${configHash.slice(0, 12)}-`;
  const run = `${env.GITHUB_RUN_ID ?? 'local'}-${env.GITHUB_RUN_ATTEMPT ?? '1'}`;
  if (!shard) return { primary: `${prefix}${run}`, restore: [prefix, 'driftgate-cache-'] };
  // Matrix shard jobs of one workflow run save side by side (a key is written once), and each
  // restores its own shard's last cache first: a case stays in its shard from run to run.
  const own = `${prefix}shard${shard.index}of${shard.count}-`;
  return { primary: `${own}${run}`, restore: [own, prefix, 'driftgate-cache-'] };
}

export async function restoreResponseCache(dir: string, keys: CacheKeys): Promise<string | undefined> {
  if (!cache.isFeatureAvailable()) {
    core.info('driftgate: the Actions cache service is not available here; the response cache is not restored');
    return undefined;
  }
  try {
    const hit = await cache.restoreCache([dir], keys.primary, [...keys.restore]);
    core.info(
      hit
        ? `driftgate: response cache restored from ${hit}`
        : 'driftgate: no response cache yet (first run for this config)',
    );
    return hit;
  } catch (err) {
    // A cache outage must not fail the gate: the run just pays for its calls.
    core.warning(`driftgate: could not restore the response cache: ${(err as Error).message}`);
    return undefined;
  }
}

export async function saveResponseCache(dir: string, keys: CacheKeys): Promise<void> {
  if (!cache.isFeatureAvailable()) return;
  try {
    await cache.saveCache([dir], keys.primary);
    core.info(`driftgate: response cache saved as ${keys.primary}`);
  } catch (err) {
    core.warning(`driftgate: could not save the response cache: ${(err as Error).message}`);
  }
}
