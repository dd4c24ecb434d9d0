/**
 * Every vector class the model runs, in the order `jam-model vectors` reports them.
 * Each lives in its own file under `vectors/classes/`; add one line here to register it.
 */
import { codecClass } from './classes/codec.js';
import { codecStateClass } from './classes/codec-state.js';
import type { VectorClass } from './report.js';
import { disputesClass } from './classes/disputes.js';
import { ed25519Class } from './classes/ed25519.js';
import { reportsClass } from './classes/reports.js';
import { safroleClass } from './classes/safrole.js';
import { shuffleClass } from './classes/shuffle.js';
import { stateRootClass } from './classes/state-root.js';
import { trieClass } from './classes/trie.js';
import { historyClass } from './classes/history.js';
import { authorizationsClass } from './classes/authorizations.js';
import { assurancesClass } from './classes/assurances.js';
import { bandersnatchClass } from './classes/bandersnatch.js';
import { erasureClass } from './classes/erasure.js';

export const vectorClasses: ReadonlyArray<VectorClass> = [
  codecClass,
  ed25519Class,
  shuffleClass,
  stateRootClass,
  trieClass,
  historyClass,
  authorizationsClass,
  assurancesClass,
  codecStateClass,
  erasureClass,
  disputesClass,
  reportsClass,
  safroleClass,
  bandersnatchClass,
];

export const findClass = (name: string): VectorClass | undefined => vectorClasses.find((c) => c.name === name);
