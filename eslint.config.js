// @ts-check
import tseslint from 'typescript-eslint';

/** fp-ts: only the modules we use (it is in maintenance mode). */
const fpTs = { regex: '^fp-ts/lib/(?!(Either|Option|ReadonlyArray|function|pipeable)(\\.js)?$)', message: 'use Either, Option, ReadonlyArray, function or pipeable of fp-ts only' };

/** The layer rule of one top-level folder: the project folders it must not import (any depth). */
const layer = (folder, forbidden, why, extra = []) => ({
  files: [`${folder}/**/*.ts`],
  rules: {
    'no-restricted-imports': [
      'error',
      { patterns: [fpTs, { group: forbidden.flatMap((f) => [`**/${f}`, `**/${f}/**`]), message: why }, ...extra] },
    ],
  },
});

/** Outside `chain/`, only its public entry. */
const chainEntry = { group: ['**/chain/**', '!**/chain/index.js'], message: 'import the chain layer through chain/index.js' };

const drivers = ['fuzz', 'vectors', 'properties', 'bench', 'bin'];
const all = ['spec', 'model', 'chain', ...drivers, 'paper-map'];
const except = (...allowed) => all.filter((f) => !allowed.includes(f));

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'native/**', 'coverage/**', 'docs/**'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': ['error', { patterns: [fpTs] }],
    },
  },
  // Data flows one way: spec <- model <- chain <- (fuzz, vectors, properties, bench, bin). The
  // drivers reach each other only where the design says: the fuzz-v1 target and client are product
  // code that vectors, properties, bench and bin use; properties and bin reach the conformance
  // runner through its public entry (vectors/index.ts; bin by the `#conformance` subpath); bin reaches
  // the paper map's runtime coverage through `#paper-map` (paper-map/index.ts).
  layer('spec', except('spec'), 'spec/ is the paper\'s vocabulary: it imports nothing of the project'),
  layer('model', except('spec', 'model'), 'model/ imports only spec/ (and the native binding through model/native.ts)'),
  layer('chain', except('spec', 'model', 'chain'), 'chain/ imports only spec/ and model/'),
  layer('fuzz', except('spec', 'model', 'chain', 'fuzz'), 'fuzz/ imports only spec/, model/ and chain/', [chainEntry]),
  layer('vectors', except('spec', 'model', 'chain', 'fuzz', 'vectors'), 'vectors/ imports only spec/, model/, chain/ and fuzz/', [chainEntry]),
  layer('properties', except('spec', 'model', 'chain', 'fuzz', 'vectors', 'properties'), 'properties/ imports only spec/, model/, chain/ and fuzz/', [
    chainEntry,
    { group: ['**/vectors/**', '!**/vectors/index.js'], message: 'reach the conformance runner only through vectors/index.ts' },
  ]),
  layer('bench', except('spec', 'model', 'chain', 'fuzz', 'bench'), 'bench/ imports only spec/, model/, chain/ and fuzz/', [chainEntry]),
  layer('bin', except('spec', 'model', 'chain', 'fuzz', 'bin'), 'bin/ imports only spec/, model/, chain/, fuzz/, the runner as #conformance and the paper map as #paper-map', [chainEntry]),
  layer('paper-map', except('paper-map'), 'paper-map/ reads the sources as text; it imports nothing of the project'),
);
