/** Scorer values may use `{{var}}` from the case (its variables and `expected`). */
import type { Case } from '../datasets/case.js';
import { MissingVariableError, renderTemplate } from '../datasets/template.js';
import { ScoringError } from './types.js';

export function renderForCase(template: string, c: Case): string {
  try {
    return renderTemplate(template, { ...c.vars, ...(c.expected !== undefined ? { expected: c.expected } : {}) });
  } catch (err) {
    if (err instanceof MissingVariableError)
      throw new ScoringError(`case "${c.id}" has no variable "${err.variable}" (used by the scorer)`);
    throw err;
  }
}

/** Case-insensitive comparison that treats composed and decomposed Unicode alike. */
export function fold(text: string, ignoreCase: boolean): string {
  const normal = text.normalize('NFC');
  return ignoreCase ? normal.toLocaleLowerCase('und') : normal;
}
