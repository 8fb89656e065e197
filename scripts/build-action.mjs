// Bundles the Action into dist/index.js (committed, as JavaScript Actions are: the runner runs it
// without npm install). Deterministic output, so a test can tell when dist/ is out of date with src/.
import { build } from 'esbuild';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const outfile = process.argv[2] ?? `${root}dist/index.js`;

await build({
  entryPoints: [`${root}src/action/index.ts`],
  outfile,
  bundle: true,
  platform: 'node',
  target: 'node20',
  format: 'esm',
  // Bundled CommonJS dependencies (@actions/*) call require(); ESM output needs one made for them.
  banner: {
    js: "import { createRequire as __driftgateCreateRequire } from 'node:module';\nconst require = __driftgateCreateRequire(import.meta.url);",
  },
  // TypeScript custom scorers need tsx from the user's project; the Action has no node_modules.
  // DuckDB (the sql log source) is a native addon: loaded from the project's node_modules when there.
  external: ['tsx', 'tsx/*', '@duckdb/node-api'],
  legalComments: 'eof',
  logLevel: 'warning',
  absWorkingDir: root,
});
