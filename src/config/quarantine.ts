/** A suite's quarantined case ids: the list in driftgate.yaml, or the lines of the file it names. */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ConfigError } from '../errors.js';
import type { SuiteConfig } from './schema.js';

export function quarantineOf(rootDir: string, suite: Pick<SuiteConfig, 'name' | 'quarantine'>): string[] {
  const q = suite.quarantine;
  if (q === undefined) return [];
  if (Array.isArray(q)) return [...new Set(q)];
  try {
    return [
      ...new Set(
        readFileSync(path.resolve(rootDir, q), 'utf8')
          .split(/\r?\n/)
          .map((l) => l.replace(/#.*$/, '').trim())
          .filter(Boolean),
      ),
    ];
  } catch (err) {
    throw new ConfigError(
      `suite ${suite.name}: quarantine file ${q} cannot be read (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
}
