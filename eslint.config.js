// A small, strict rule set (issue 24): promises are awaited or marked `void`, type-only imports say
// so, and lower folders of the data flow never import from higher ones.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

/**
 * The folders of src/ in the order data flows through them, bottom first: each may import only from
 * the folders before it (ARCHITECTURE.md "Data flow"). The commands on top (cli, action, init,
 * import) may use any of them and each other; nothing below imports them.
 */
const LAYERS = [
  'util',
  'conversation',
  'stats',
  'providers',
  'records',
  'datasets',
  'sources',
  'scorers',
  'config',
  'signals',
  'production',
  'runner',
  'baselines',
  'gate',
  'drift',
  'report',
];
const COMMANDS = ['cli', 'action', 'init', 'import'];
const FORBIDDEN_ABOVE = Object.fromEntries(LAYERS.map((folder, i) => [folder, [...LAYERS.slice(i + 1), ...COMMANDS]]));

export default tseslint.config(
  {
    ignores: [
      'lib/**',
      'dist/**',
      'node_modules/**',
      'test-artifacts/**',
      'examples/**',
      'templates/**',
      '**/*.mjs',
      '**/*.js',
    ],
  },
  {
    files: ['src/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts', 'scripts/**/*.ts'],
    extends: [js.configs.recommended, ...tseslint.configs.recommended],
    languageOptions: { parserOptions: { project: ['./tsconfig.check.json'], tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/consistent-type-imports': [
        'error',
        { fixStyle: 'inline-type-imports', prefer: 'type-imports' },
      ],
      '@typescript-eslint/no-unused-vars': [
        'error',
        {
          argsIgnorePattern: '^_',
          varsIgnorePattern: '^_',
          destructuredArrayIgnorePattern: '^_',
          caughtErrors: 'none',
        },
      ],
      '@typescript-eslint/no-explicit-any': 'error',
      // A variable set in a try block and read after it is initialised for the compiler, not by mistake.
      'no-useless-assignment': 'off',
      // Escape sequences are matched on purpose (terminal output, XML); each such regex says why.
      'no-control-regex': 'off',
      // A server's handler refers to the instance made just after it: assigned once, read before.
      'prefer-const': ['error', { ignoreReadBeforeAssign: true }],
    },
  },
  {
    // Tests read the wire bodies of the stand-in servers as loosely as the servers write them.
    files: ['test/**/*.ts'],
    rules: { '@typescript-eslint/no-explicit-any': 'off' },
  },
  ...Object.entries(FORBIDDEN_ABOVE).map(([folder, above]) => ({
    files: [`src/${folder}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              regex: `^(\\.\\./)+(${above.join('|')})/`,
              message: `src/${folder}/ is below these folders in the data flow: it must not import from them`,
            },
          ],
        },
      ],
    },
  })),
);
