/** `derived:` expressions checked against the suite's scorer names when the config loads (exit 2 with file, line and field). */
import { checkDerived } from '../scorers/derived.js';
import { scorerNames } from '../scorers/names.js';
import type { ConfigPath } from '../util/format-issue.js';
import type { DriftgateConfig } from './schema.js';

export function checkDerivedMetrics(config: DriftgateConfig): { at: ConfigPath; message: string }[] {
  const problems: { at: ConfigPath; message: string }[] = [];
  config.suites.forEach((suite, i) => {
    const names = scorerNames(suite.scorers);
    for (const [name, expression] of Object.entries(suite.derived ?? {})) {
      if (names.includes(name))
        problems.push({ at: ['suites', i, 'derived', name], message: `"${name}" is already a scorer's name` });
      const checked = checkDerived(expression, names);
      if (!checked.ok) problems.push({ at: ['suites', i, 'derived', name], message: checked.error });
    }
  });
  return problems;
}
