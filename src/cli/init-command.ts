/** `driftgate init [dir]`: scaffold a project; refuses (exit 2) when a file it would write exists. */
import { init } from '../init/scaffold.js';
import { positiveInt } from './parse-flags.js';
import { UsageError } from '../errors.js';
import { PRESET_NAMES, type PresetName } from '../sources/log-presets.js';
import { orList } from './parse-flags.js';
import { LOG_SOURCES, logSourceSchema, type LogSourceConfig } from '../sources/log-sources.js';
import { parseSince } from '../drift/sample-logs.js';

export async function initCommand(dir: string | undefined, opts: Record<string, unknown>): Promise<number> {
  const size = positiveInt('--size', opts.size);
  const format = opts.format === undefined ? undefined : presetNamed(String(opts.format));
  const from = opts.fromLogs === undefined ? undefined : String(opts.fromLogs);
  const source = from === undefined ? undefined : sourceNamed(from);
  const since = source ? parseSince(opts.since === undefined ? '7d' : String(opts.since)) : undefined;
  const result = await init({
    dir: dir ?? '.',
    ...(from !== undefined
      ? {
          fromLogs: {
            file: source ?? from,
            ...(size !== undefined ? { size } : {}),
            ...(format ? { format } : {}),
            ...(since ? { since } : {}),
          },
        }
      : {}),
  });
  const lines = [
    'driftgate init: wrote',
    ...result.written.map((f) => `  ${f}`),
    `  .gitignore (${result.gitignore})`,
    ...(result.drafted !== undefined
      ? [
          '',
          `datasets/golden.jsonl: ${result.drafted} cases drafted from ${source ? source.source : 'the log'} (redacted); fill in each "expected" before relying on it.`,
        ]
      : []),
    '',
    'next:',
    '  npx driftgate eval --dry-run      # what a run would send and cost; sends nothing',
    '  npx driftgate check               # probes judges and embedders (when you add them)',
    '  npx driftgate eval                # needs OPENAI_API_KEY',
    '  npx driftgate baseline update     # accept the run; commit baselines/',
  ];
  process.stdout.write(`${lines.join('\n')}\n`);
  return 0;
}

function presetNamed(name: string): PresetName {
  const preset = PRESET_NAMES.find((p) => p === name);
  if (!preset) throw new UsageError(`--format: expected ${orList(PRESET_NAMES)}, got "${name}"`);
  return preset;
}

/**
 * `langfuse`, `openai-stored`, `langsmith:<project>` name a platform source (with its defaults; the
 * filters go in drift.logs afterwards); anything else is a file.
 */
function sourceNamed(value: string): LogSourceConfig | undefined {
  const [name = '', project] = value.split(/:(.*)/s, 2);
  if (!(name in LOG_SOURCES)) return undefined;
  const parsed = logSourceSchema.safeParse({ source: name, ...(project ? { project } : {}) });
  if (!parsed.success)
    throw new UsageError(
      `--from-logs ${value}: ${parsed.error.issues.map((i) => `${i.path.join('.') || name}: ${i.message}`).join('; ')}${name === 'langsmith' ? ' (write langsmith:<project>)' : ''}`,
    );
  return parsed.data;
}
