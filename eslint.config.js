// @ts-check
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'native/**', 'coverage/**', 'docs/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: ['fp-ts/lib/(?!Either|Option|ReadonlyArray|function|pipeable)*'] }],
    },
  },
  {
    // Data flows one way: spec <- model <- (vectors, properties, bench, bin).
    files: ['spec/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['../model/*', '../vectors/*', '../bin/*', '../bench/*', '../properties/*'] }] },
  },
  {
    files: ['model/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['**/vectors/*', '**/bin/*', '**/bench/*', '**/properties/*'] }] },
  },
);
