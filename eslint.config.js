// @ts-check
// Lint rules for src/, test/ and scripts/: ESLint's and typescript-eslint's recommended rules, type-aware (the
// program tsconfig.json describes), plus a few that catch real mistakes in this code, and the layout rules the code
// already follows. `npm run lint` runs this and the typecheck. No formatter rewrites the files.
import js from '@eslint/js';
import { defineConfig } from 'eslint/config';
import stylistic from '@stylistic/eslint-plugin';
import tseslint from 'typescript-eslint';

export default defineConfig(
  { ignores: ['dist/', 'node_modules/', 'spool/'] },
  js.configs.recommended,
  tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      eqeqeq: ['error', 'always'],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      // A dropped promise, or one passed where a callback's result is ignored, is the mistake that costs most in
      // a server that runs one coroutine per call (both rules are in the recommended set; named so they stay on).
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      // A promise returned from inside try/catch/finally without `await` settles after the finally has run and
      // outside the catch.
      '@typescript-eslint/return-await': ['error', 'in-try-catch'],
      // A destructured pair where one name is reassigned stays one `let`.
      'prefer-const': ['error', { destructuring: 'all' }],
      // `_name` marks a parameter an override or a callback signature requires but the body does not read.
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', caughtErrors: 'none' }],
      // An AbortSignal's reason is passed on as it is (typed `any`); rejecting with a literal is still an error.
      '@typescript-eslint/prefer-promise-reject-errors': ['error', { allowThrowingAny: true, allowThrowingUnknown: true }],
      // Off: methods that implement a Promise-returning interface (verbs, stores, lookups) are `async` so that a
      // throw becomes a rejection, with or without an `await` inside.
      '@typescript-eslint/require-await': 'off',
      // Off: the values sent to FreeSWITCH and the TwiML text are checked for control characters on purpose.
      'no-control-regex': 'off',
    },
  },
  {
    // Layout: only what the code already keeps everywhere. Off: `indent` (wrapped signatures and unions are
    // aligned by hand) and `max-len` (about 120 columns is kept by eye; some lines run a few columns past it).
    plugins: { '@stylistic': stylistic },
    rules: {
      '@stylistic/quotes': ['error', 'single', { avoidEscape: true, allowTemplateLiterals: 'always' }],
      '@stylistic/semi': ['error', 'always'],
      // A type whose last member shares the closing brace's line reads as one line: no `;` after that member.
      '@stylistic/member-delimiter-style': ['error', { multilineDetection: 'last-member' }],
      '@stylistic/comma-dangle': ['error', 'always-multiline'],
      '@stylistic/brace-style': ['error', '1tbs', { allowSingleLine: true }],
      '@stylistic/arrow-parens': ['error', 'always'],
      '@stylistic/keyword-spacing': 'error',
      '@stylistic/space-infix-ops': 'error',
      '@stylistic/comma-spacing': 'error',
      '@stylistic/object-curly-spacing': ['error', 'always'],
      '@stylistic/no-tabs': 'error',
      '@stylistic/no-trailing-spaces': 'error',
      '@stylistic/no-multiple-empty-lines': ['error', { max: 1, maxEOF: 0 }],
      '@stylistic/eol-last': 'error',
    },
  },
  {
    // Typings for untyped JavaScript packages mirror what the package takes: `any` where it takes anything, and
    // ambient module declarations whose names the unused-variable check cannot follow.
    files: ['**/*.d.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'off',
      '@typescript-eslint/no-unused-vars': 'off',
    },
  },
  { files: ['**/*.js'], extends: [tseslint.configs.disableTypeChecked] },
);
