/**
 * The npm package as a user installs it: `npm pack`, then `npm i -D ./driftgate-x.y.z.tgz` into a
 * fresh project in a temporary directory with no access to this repository's node_modules; there
 * `driftgate --help`, `init`, `eval`, `drift`, `report`, `import('driftgate/stats')` and the type
 * declarations work. Dependencies come from npm's cache (filled by `npm ci`), else the registry.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { FakeLlmServer } from './support/fake-llm-server.js';

const root = fileURLToPath(new URL('..', import.meta.url));
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let server: FakeLlmServer;
let project: string;
let packed: { filename: string; size: number; files: { path: string }[] };

beforeAll(async () => {
  server = await FakeLlmServer.start();
  // Packed from the built lib/ (`npm ci` builds it through `prepare`); --ignore-scripts keeps this
  // test from rebuilding lib/ under the feet of tests running beside it.
  if (!existsSync(path.join(root, 'lib/cli/main.js')))
    throw new Error('lib/ is not built: run npm run build (npm ci does it)');
  const dest = mkdtempSync(path.join(tmpdir(), 'driftgate-pack-'));
  packed = (
    JSON.parse(
      execFileSync(npm, ['pack', '--json', '--ignore-scripts', '--pack-destination', dest], {
        cwd: root,
        encoding: 'utf8',
      }),
    ) as (typeof packed)[]
  )[0] as typeof packed;
  project = mkdtempSync(path.join(tmpdir(), 'driftgate-user-'));
  writeFileSync(
    path.join(project, 'package.json'),
    JSON.stringify({ name: 'my-llm-app', private: true, type: 'module' }),
  );
  execFileSync(
    npm,
    [
      'install',
      '--save-dev',
      '--prefer-offline',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      path.join(dest, packed.filename),
    ],
    { cwd: project, encoding: 'utf8', stdio: 'pipe' },
  );
}, 300_000);
afterAll(() => server.close());

const env = () => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  CI: '1',
  OPENAI_API_KEY: 'sk-test-package-0000',
  OPENAI_BASE_URL: server.openaiBaseURL,
});
/** Asynchronous: the fake server answers in this process, so the event loop must keep running. */
function driftgate(...args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const child = spawn(npm, ['exec', '--no', '--', 'driftgate', ...args], { cwd: project, env: env() });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => child.on('close', (status) => resolve({ status, stdout, stderr })));
}

describe('the npm package', () => {
  it('ships only what is needed: built JavaScript with type declarations, the schema, rubrics, templates, the Action', () => {
    const files = packed.files.map((f) => f.path);
    for (const f of [
      'lib/cli/main.js',
      'lib/index.d.ts',
      'lib/stats/index.d.ts',
      'driftgate.schema.json',
      'rubrics/helpfulness.md',
      'templates/driftgate.yaml',
      'action.yml',
      'dist/index.js',
      'LICENSE',
      'README.md',
    ])
      expect(files).toContain(f);
    expect(
      files.filter((f) => /^(src|test|bench|datasets|scripts|\.driftgate|\.github)\//.test(f) || f.endsWith('.map')),
    ).toEqual([]);
    expect(packed.size).toBeLessThan(3 * 2 ** 20);
    const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as Record<string, unknown>;
    expect(pkg.private).toBeUndefined();
    for (const key of ['license', 'repository', 'keywords', 'engines', 'types']) expect(pkg[key], key).toBeDefined();
  });

  it('installs into a fresh project, where the commands run from node_modules', async () => {
    expect(existsSync(path.join(project, 'node_modules/driftgate/lib/cli/main.js'))).toBe(true);
    const help = await driftgate('--help');
    expect(help.status, help.stderr).toBe(0);
    expect(help.stdout).toContain('Usage: driftgate');

    const init = await driftgate('init');
    expect(init.status, init.stderr).toBe(0);
    expect(readFileSync(path.join(project, 'driftgate.yaml'), 'utf8')).toContain(
      '$schema=./node_modules/driftgate/driftgate.schema.json',
    );
    expect((await driftgate('eval', '--dry-run')).status).toBe(0);

    const run = await driftgate('eval');
    expect(run.status, run.stdout + run.stderr).toBe(0);
    expect(run.stdout).toMatch(/golden\s+current\s+gpt-4o-mini-2024-08-06\s+5\s+5/);

    writeFileSync(
      path.join(project, 'logs.jsonl'),
      Array.from({ length: 30 }, (_, i) =>
        JSON.stringify({ input: `Question ${i}?`, timestamp: '2026-11-20T00:00:00Z' }),
      ).join('\n'),
    );
    writeFileSync(
      path.join(project, 'drift.yaml'),
      'version: 1\nmodels:\n  pinned: { provider: openai, model: gpt-4o-2024-08-06 }\n  current: { provider: openai, model: gpt-4o }\n  embedder: { provider: local }\ndrift:\n  logs: logs.jsonl\n  sample: { size: 20, seed: w1 }\n  pinned_samples: 1\n  scorers: [{ type: refusal }]\n',
    );
    const drift = await driftgate('drift', '--config', 'drift.yaml');
    expect([0, 1], drift.stdout + drift.stderr).toContain(drift.status);
    expect(drift.stdout).toContain('behaviour changed (text)');

    const report = await driftgate('report');
    expect(report.status, report.stderr).toBe(0);
  }, 120_000);

  it('exposes driftgate/stats to import, with type declarations a TypeScript project can check', () => {
    const imported = spawnSync(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        "import { holm } from 'driftgate/stats'; console.log(holm([0.01, 0.04]).join(','));",
      ],
      { cwd: project, encoding: 'utf8' },
    );
    expect(imported.stdout.trim()).toBe('0.02,0.04');
    writeFileSync(
      path.join(project, 'check.ts'),
      "import { holm } from 'driftgate/stats';\nimport { runEval, type EvalOptions } from 'driftgate';\nconst p: number[] = holm([0.5]);\nconst o: EvalOptions = { dryRun: true };\nvoid runEval; void p; void o;\n",
    );
    // No @types/node in the user's project: the declarations must stand without it.
    const tsconfig = (file: string) =>
      JSON.stringify({
        compilerOptions: {
          noEmit: true,
          strict: true,
          skipLibCheck: true,
          module: 'nodenext',
          moduleResolution: 'nodenext',
          types: [],
        },
        files: [file],
      });
    const tscIn = (file: string) => {
      writeFileSync(path.join(project, 'tsconfig.json'), tsconfig(file));
      return spawnSync(process.execPath, [path.join(root, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.json'], {
        cwd: project,
        encoding: 'utf8',
      });
    };
    const tsc = tscIn('check.ts');
    expect(tsc.status, tsc.stdout + tsc.stderr).toBe(0);
    const bad = path.join(project, 'bad.ts');
    writeFileSync(bad, "import { holm } from 'driftgate/stats';\nconst s: string = holm([0.5]);\nvoid s;\n");
    // The declarations are live: a wrong type is caught.
    const bad2 = tscIn('bad.ts');
    expect(bad2.status).not.toBe(0);
    expect(bad2.stdout).toContain("Type 'number[]' is not assignable to type 'string'");
  });
});
