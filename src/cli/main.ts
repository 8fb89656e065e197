#!/usr/bin/env node
/**
 * The `driftgate` command. Only commander is loaded up front; each command's module (and through
 * it the provider SDKs) is imported when that command runs, so `driftgate --help` starts fast.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { DriftgateError, ExitCode } from '../errors.js';
import { registerEnvSecrets } from '../util/secrets.js';
import { guardOutput } from '../util/terminal-output.js';
import { PRESET_NAMES } from '../sources/log-presets.js';
import { addFlags, COMMAND_FLAGS } from './flags.js';

const INTERNAL_ERROR_EXIT = 4;

function packageVersion(): string {
  try {
    return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string })
      .version;
  } catch {
    return 'unknown';
  }
}

export function buildProgram(): Command {
  const program = new Command()
    .name('driftgate')
    .description('Tells you, with statistics instead of hope, whether your LLM application got worse.')
    .version(packageVersion())
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();

  addFlags(
    program.command('eval').description('Run suites through their targets, record every call, and print a summary'),
    COMMAND_FLAGS['eval'],
  )
    .addHelpText(
      'after',
      '\nWith a baseline in baselines/<suite>.json the run is compared with it (as driftgate compare).\n' +
        'Exit codes: 0 ok · 1 gate failed · 2 bad input or config · 3 run incomplete (call or scorer errors over their limits, budget reached, offline cache miss) or gate incomplete (a gated metric has no values now)\n' +
        'Before a long run, driftgate check sends one live probe per judge, embedder and custom scorer.',
    )
    .action(async (opts: Record<string, unknown>) => {
      const { evalCommand } = await import('./eval-command.js');
      process.exitCode = await evalCommand(opts);
    });

  addFlags(
    program
      .command('drift')
      .description('Sample production logs, replay them through pinned and current, and test for drift'),
    COMMAND_FLAGS['drift'],
  )
    .addHelpText(
      'after',
      '\nExit codes: 0 no drift · 1 drift · 2 bad input or config · 3 run incomplete (the history is not appended)',
    )
    .action(async (opts: Record<string, unknown>) => {
      const { driftCommand } = await import('./drift-command.js');
      process.exitCode = await driftCommand(opts);
    });

  const logs = program.command('logs').description('Read production logs from where they live');
  addFlags(
    logs
      .command('pull')
      .description(
        "Write drift.logs' window (a Langfuse, LangSmith or stored-completions source, or OTLP files) to a redacted JSONL snapshot with a manifest",
      ),
    COMMAND_FLAGS.logsPull,
  )
    .addHelpText(
      'after',
      '\nThen: driftgate drift --snapshot <file> gives the verdict drift on the source gives.\nExit codes: 0 written · 2 bad input or config (a missing credential, a refused filter, a garbage page) · 3 a page kept failing (nothing is written)',
    )
    .action(async (opts: Record<string, unknown>) => {
      const { logsPullCommand } = await import('./logs-command.js');
      process.exitCode = await logsPullCommand(opts);
    });

  program
    .command('init')
    .description(
      'Start a project: driftgate.yaml, a small dataset and prompt, a rubric, baselines/, the two example workflows',
    )
    .argument('[dir]', 'project directory', '.')
    .option(
      '--from-logs <file|source>',
      'draft the dataset from a production log for people to label (stratified sample, redacted): a JSONL or CSV file, or a source: langfuse, openai-stored, langsmith:<project> (credentials from the environment)',
    )
    .option('--since <duration>', 'with a source: the window read (default 7d)')
    .option('--format <preset>', `log field mapping for --from-logs: ${PRESET_NAMES.join(', ')}`, 'generic')
    .option('--size <n>', 'cases to draft with --from-logs (default 50)')
    .addHelpText(
      'after',
      '\nNothing is overwritten: when a file it would write exists, init writes nothing and names it.\nExit codes: 0 written · 2 a file exists, or bad input',
    )
    .action(async (dir: string | undefined, opts: Record<string, unknown>) => {
      const { initCommand } = await import('./init-command.js');
      process.exitCode = await initCommand(dir, opts);
    });

  program
    .command('import')
    .description("Convert another tool's suite into a driftgate project (promptfoo)")
    .argument('<tool>', 'the source format: promptfoo')
    .argument('<config>', 'its config file, e.g. promptfooconfig.yaml')
    .option('--out <dir>', 'where to write driftgate.yaml and the datasets (default: next to the config)')
    .addHelpText(
      'after',
      '\nEvery construct that does not map is listed with its file and line. Nothing is overwritten.\nExit codes: 0 written · 2 bad input, or a file would be overwritten',
    )
    .action(async (tool: string, config: string, opts: Record<string, unknown>) => {
      const { importCommand } = await import('./import-command.js');
      process.exitCode = await importCommand(tool, config, opts);
    });

  addFlags(
    program
      .command('check')
      .description(
        'Probe every judge, embedder and custom scorer once, live, so a broken one is found before a long run',
      ),
    COMMAND_FLAGS['check'],
  )
    .addHelpText(
      'after',
      '\nEach probe scores a fixed answer to the first case of its suite, without the cache (it costs one call or two).\nExit codes: 0 every probe answered · 2 bad input or config · 3 a probe failed',
    )
    .action(async (opts: Record<string, unknown>) => {
      const { checkCommand } = await import('./check-command.js');
      process.exitCode = await checkCommand(opts);
    });

  addFlags(
    program
      .command('merge')
      .description(
        'Join the runs of eval --shard i/n into one run, which compare, report and baseline update treat like an unsharded run',
      )
      .argument('<dirs...>', 'the shard run directories (one per shard)'),
    COMMAND_FLAGS['merge'],
  )
    .addHelpText(
      'after',
      '\nExit codes: 0 merged · 2 refused (a shard missing or given twice, shards of different configs or shard counts, an incomplete shard)',
    )
    .action(async (dirs: string[], opts: Record<string, unknown>) => {
      const { mergeCommand } = await import('./merge-command.js');
      process.exitCode = await mergeCommand(dirs, opts);
    });

  addFlags(
    program
      .command('compare')
      .description('Compare a run with the committed baselines and print the verdict per metric'),
    COMMAND_FLAGS['compare'],
  )
    .addHelpText(
      'after',
      '\nExit codes: 0 gate passed · 1 gate failed · 2 bad input (no baseline, corrupt or newer baseline file) · 3 gate incomplete (the run did not finish, or a gated metric has no values now)',
    )
    .action(async (opts: Record<string, unknown>) => {
      const { compareCommand } = await import('./compare-command.js');
      process.exitCode = await compareCommand(opts);
    });

  const baseline = program.command('baseline').description('Manage baselines');
  addFlags(
    baseline
      .command('rescore')
      .description(
        "Score the committed baselines' stored outputs again with today's scorers where a scorer changed (rubric, judge model, options), and write them",
      ),
    COMMAND_FLAGS['baseline rescore'],
  )
    .addHelpText(
      'after',
      '\nThe gate does this by itself when gate.rescore is auto (the default); this command makes it permanent.\nExit codes: 0 written (or nothing to do) · 2 bad input · 3 some re-scorings failed (nothing written for that suite)',
    )
    .action(async (opts: Record<string, unknown>) => {
      const { baselineRescoreCommand } = await import('./baseline-command.js');
      process.exitCode = await baselineRescoreCommand(opts);
    });
  addFlags(
    baseline.command('update').description("Accept a complete run's results as the new baselines/<suite>.json"),
    COMMAND_FLAGS['baseline update'],
  )
    .addHelpText(
      'after',
      '\nExit codes: 0 written · 2 bad input (incomplete run, corrupt or newer baseline file: nothing is overwritten)',
    )
    .action(async (opts: Record<string, unknown>) => {
      const { baselineUpdateCommand } = await import('./baseline-command.js');
      process.exitCode = await baselineUpdateCommand(opts);
    });

  const cache = program.command('cache').description('Check the response cache (.driftgate/cache)');
  cache
    .command('verify')
    .description(
      'Check every cache entry as a run would before serving it, and name each one it would refuse (edited, moved, mismatched, a link)',
    )
    .option('-c, --config <path>', 'config file (the cache is .driftgate/cache beside it)', 'driftgate.yaml')
    .option('--dir <path>', 'a cache folder to check instead')
    .option('--json', 'print the result as JSON')
    .addHelpText(
      'after',
      '\nRun it in CI on a pull request that commits cache entries.\nExit codes: 0 every entry would be served · 1 some would be refused (listed) · 2 bad input',
    )
    .action(async (opts: Record<string, unknown>) => {
      const { cacheVerifyCommand } = await import('./cache-command.js');
      process.exitCode = await cacheVerifyCommand(opts);
    });
  cache
    .command('upgrade')
    .description(
      'Seal the entries an older driftgate wrote without a content hash, when their request still matches their key',
    )
    .option('-c, --config <path>', 'config file (the cache is .driftgate/cache beside it)', 'driftgate.yaml')
    .option('--dir <path>', 'a cache folder to upgrade instead')
    .addHelpText(
      'after',
      '\nSealing says you trust those entries: review them first (they are served as answers afterwards).\nExit codes: 0 all upgraded · 1 some left as they were (listed) · 2 bad input',
    )
    .action(async (opts: Record<string, unknown>) => {
      const { cacheUpgradeCommand } = await import('./cache-command.js');
      process.exitCode = await cacheUpgradeCommand(opts);
    });

  program
    .command('report')
    .description('Render reports from a run directory: Markdown (PR comment), HTML, JUnit XML, JSON summary')
    .option('--run <dir>', 'run directory (default: the newest run under --runs)')
    .option('--runs <dir>', 'directory holding run directories', '.driftgate/runs')
    .option('--format <list>', 'comma-separated: md, html, junit, json', 'md,html,junit,json')
    .option(
      '--out <dir>',
      'where to write report.md, report.html, junit.xml, summary.json (default: the run directory)',
    )
    .addHelpText(
      'after',
      '\nExit codes: 0 written · 2 bad input (no run, corrupt or newer result files, unknown format)',
    )
    .action(async (opts: Record<string, unknown>) => {
      const { reportCommand } = await import('./report-command.js');
      process.exitCode = await reportCommand(opts);
    });

  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  // Whatever any command prints is scrubbed of secrets and of terminal control sequences.
  registerEnvSecrets(process.env);
  guardOutput(process.stdout);
  guardOutput(process.stderr);
  try {
    await buildProgram().parseAsync(argv as string[]);
    return typeof process.exitCode === 'number' ? process.exitCode : ExitCode.Ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help and --version exit 0; a usage mistake is bad input.
      return err.exitCode === 0 ? ExitCode.Ok : ExitCode.BadInput;
    }
    if (err instanceof DriftgateError) {
      process.stderr.write(`driftgate: ${err.message}\n`);
      return err.exitCode;
    }
    const { scrubSecrets } = await import('../util/secrets.js');
    const detail = process.env.DRIFTGATE_DEBUG
      ? String((err as Error).stack ?? err)
      : String((err as Error).message ?? err);
    process.stderr.write(
      `driftgate: internal error: ${scrubSecrets(detail)}\n(set DRIFTGATE_DEBUG=1 for the stack trace; please report it)\n`,
    );
    return INTERNAL_ERROR_EXIT;
  }
}

void main(process.argv).then((code) => {
  process.exitCode = code;
});
