/**
 * Every vector class the model runs, in the order `jam-model vectors` reports them.
 * Each lives in its own file under `vectors/classes/`; add one line here to register it.
 */
import type { VectorClass } from './report.js';
import { codecClass } from './classes/codec.js';
import { codecStateClass } from './classes/codec-state.js';
import { shuffleClass } from './classes/shuffle.js';
import { ed25519Class } from './classes/ed25519.js';
import { stateRootClass } from './classes/state-root.js';
import { trieClass } from './classes/trie.js';
import { erasureClass } from './classes/erasure.js';
import { bandersnatchClass } from './classes/bandersnatch.js';
import { pvm } from './classes/pvm.js';
import { sealClass } from './classes/seal.js';
import { safroleClass } from './classes/safrole.js';
import { disputesClass } from './classes/disputes.js';
import { assurancesClass } from './classes/assurances.js';
import { reportsClass } from './classes/reports.js';
import { historyClass } from './classes/history.js';
import { authorizationsClass } from './classes/authorizations.js';
import { statisticsClass } from './classes/statistics.js';
import { preimagesClass } from './classes/preimages.js';
import { accumulateClass } from './classes/accumulate.js';
import { tracesClass } from './classes/traces.js';
import { fuzzSessionsClass } from './classes/fuzz-sessions.js';

export const vectorClasses: ReadonlyArray<VectorClass> = [
  codecClass,
  codecStateClass,
  shuffleClass,
  ed25519Class,
  stateRootClass,
  trieClass,
  erasureClass,
  bandersnatchClass,
  pvm,
  sealClass,
  safroleClass,
  disputesClass,
  assurancesClass,
  reportsClass,
  historyClass,
  authorizationsClass,
  statisticsClass,
  preimagesClass,
  accumulateClass,
  tracesClass,
  fuzzSessionsClass,
];

export const findClass = (name: string): VectorClass | undefined => vectorClasses.find((c) => c.name === name);
