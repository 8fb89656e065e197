/**
 * `{{var}}` templates. A placeholder names a variable (dotted paths reach into objects:
 * `{{customer.name}}`); whitespace inside the braces is ignored. A missing variable is an error,
 * never an empty string: an empty prompt would be paid for and scored as if it were real.
 */
const PLACEHOLDER = /\{\{\s*([A-Za-z_][\w-]*(?:\.[\w-]+)*)\s*\}\}/g;

export class MissingVariableError extends Error {
  constructor(readonly variable: string) {
    super(`missing variable "${variable}"`);
  }
}

/** Variable names a template uses, in order of first use. */
export function templateVariables(template: string): string[] {
  return [...new Set([...template.matchAll(PLACEHOLDER)].map((m) => m[1] as string))];
}

export function renderTemplate(template: string, vars: Readonly<Record<string, unknown>>): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    const value = lookup(vars, name);
    if (value === undefined || value === null) throw new MissingVariableError(name);
    return typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
  });
}

function lookup(vars: Readonly<Record<string, unknown>>, dotted: string): unknown {
  if (Object.hasOwn(vars, dotted)) return vars[dotted];
  let current: unknown = vars;
  for (const part of dotted.split('.')) {
    if (current === null || typeof current !== 'object' || !Object.hasOwn(current, part)) return undefined;
    current = (current as Record<string, unknown>)[part];
  }
  return current;
}
