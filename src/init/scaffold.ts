/**
 * `driftgate init`: a working starting point in an existing project — driftgate.yaml (commented,
 * pointing at the JSON Schema), a small dataset and prompt, a rubric, baselines/, both example
 * workflows and the .gitignore lines. Nothing is overwritten: when any file it would write exists,
 * it writes nothing and names them. `--from-logs FILE` drafts the dataset from a production log.
 */
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { UsageError } from '../errors.js';
import { draftFromLogs, type DraftOptions } from './from-logs.js';
import { openSource, type LogSourceConfig } from '../sources/log-sources.js';

const PACKAGE_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const template = (name: string) => path.join(PACKAGE_ROOT, 'templates', name);

/** Lines driftgate wants in .gitignore: run directories, the local history and cache. */
// Log snapshots hold production traffic (redacted, but still users' words): never committed by default.
export const GITIGNORE_LINES = [
  '.driftgate/runs/',
  '.driftgate/cache/',
  '.driftgate/history.jsonl',
  '.driftgate/logs/',
];

export interface InitOptions {
  readonly dir: string;
  /** A log file, or a platform source (`{ source: langfuse }`) read for `since` with credentials from `env`. */
  readonly fromLogs?: DraftOptions & { readonly file: string | LogSourceConfig; readonly env?: NodeJS.ProcessEnv };
}

export interface InitResult {
  readonly written: readonly string[];
  readonly gitignore: 'created' | 'appended' | 'unchanged';
  readonly drafted?: number;
}

/** Where the JSON Schema is, as the config's `$schema` comment should name it. */
function schemaReference(dir: string): string {
  const installed = path.join(dir, 'node_modules', 'driftgate', 'driftgate.schema.json');
  const target = existsSync(installed) ? installed : path.join(PACKAGE_ROOT, 'driftgate.schema.json');
  const rel = path.relative(dir, target).split(path.sep).join('/');
  return rel.startsWith('.') ? rel : `./${rel}`;
}

export async function init(options: InitOptions): Promise<InitResult> {
  const dir = path.resolve(options.dir);
  const files: Record<string, () => Promise<string>> = {
    'driftgate.yaml': async () =>
      (await readFile(template('driftgate.yaml'), 'utf8')).replace('{{schema}}', schemaReference(dir)),
    'prompts/assistant.md': () => readFile(template('prompts/assistant.md'), 'utf8'),
    'datasets/golden.jsonl': () => readFile(template('datasets/golden.jsonl'), 'utf8'),
    'rubrics/helpfulness.md': () => readFile(path.join(PACKAGE_ROOT, 'rubrics', 'helpfulness.md'), 'utf8'),
    'baselines/README.md': async () =>
      '# baselines\n\nAccepted results, one file per suite, written by `driftgate baseline update`. Commit them.\n',
    '.github/workflows/driftgate-pr.yml': () => readFile(template('workflows/driftgate-pr.yml'), 'utf8'),
    '.github/workflows/driftgate-weekly.yml': () => readFile(template('workflows/driftgate-weekly.yml'), 'utf8'),
  };
  const existing = Object.keys(files).filter((f) => existsSync(path.join(dir, f)));
  if (existing.length > 0) {
    throw new UsageError(
      `init: ${existing.map((f) => path.join(options.dir, f)).join(', ')} already exist${existing.length === 1 ? 's' : ''}; nothing was written (move ${existing.length === 1 ? 'it' : 'them'} away to start afresh)`,
    );
  }
  // Drafted before anything is written, so a bad log leaves the directory untouched.
  const from = options.fromLogs;
  const source = from && typeof from.file !== 'string' ? from.file : undefined;
  const drafted = from
    ? await draftFromLogs(
        typeof from.file === 'string'
          ? from.file
          : openSource(from.file, { env: from.env ?? process.env, ...(from.since ? { since: from.since } : {}) }),
        from,
      )
    : undefined;
  if (drafted) {
    const config = files['driftgate.yaml'] as () => Promise<string>;
    files['driftgate.yaml'] = async () =>
      (await config()).replace(
        '      - { type: similarity, reference: "{{expected}}", pass: 0.3 }',
        '      # - { type: similarity, reference: "{{expected}}", pass: 0.3 }  # once the drafted cases have expected answers',
      );
    files['datasets/golden.jsonl'] = async () => drafted.jsonl;
    // Drafted from a platform: the weekly job (still commented: it needs a pinned model) reads the same place.
    if (source) {
      const withDrift = files['driftgate.yaml'];
      files['driftgate.yaml'] = async () =>
        (await withDrift()).replace('#   logs: logs/*.jsonl', `#   logs: ${flowYaml(source)}`);
    }
    files['prompts/assistant.md'] = async () => 'You are the assistant of our product. Answer the user.\n\n{{input}}\n';
  }
  const written: string[] = [];
  for (const [name, content] of Object.entries(files)) {
    const file = path.join(dir, name);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, await content(), { flag: 'wx' });
    written.push(name);
  }
  return { written, gitignore: await ensureGitignore(dir), ...(drafted ? { drafted: drafted.cases } : {}) };
}

/** Appends the lines driftgate needs that are missing; never removes or reorders anything. */
async function ensureGitignore(dir: string): Promise<InitResult['gitignore']> {
  const file = path.join(dir, '.gitignore');
  const text = existsSync(file) ? await readFile(file, 'utf8') : undefined;
  const present = new Set((text ?? '').split(/\r?\n/).map((l) => l.trim()));
  const missing = GITIGNORE_LINES.filter((l) => !present.has(l));
  if (missing.length === 0) return 'unchanged';
  const block = `# driftgate\n${missing.join('\n')}\n`;
  if (text === undefined) {
    await writeFile(file, block);
    return 'created';
  }
  await writeFile(file, `${text}${text.endsWith('\n') || text === '' ? '' : '\n'}${block}`);
  return 'appended';
}

/** `{ source: langsmith, project: support-bot }`: a source's config as one line of YAML flow style. */
function flowYaml(config: LogSourceConfig): string {
  const entries = Object.entries(config).map(
    ([k, v]) => `${k}: ${typeof v === 'string' && /^[\w.-]+$/.test(v) ? v : JSON.stringify(v)}`,
  );
  return `{ ${entries.join(', ')} }`;
}
