/**
 * Every vector class the model runs, in the order `jam-model vectors` reports them.
 * Each lives in its own file under `vectors/classes/`; add one line here to register it.
 */
import type { VectorClass } from './report.js';
<<<<<<< HEAD
import { codecClass } from './classes/codec.js';
=======
import { disputesClass } from './classes/disputes.js';
import { ed25519Class } from './classes/ed25519.js';
import { reportsClass } from './classes/reports.js';
import { safroleClass } from './classes/safrole.js';
>>>>>>> stfb
import { shuffleClass } from './classes/shuffle.js';
import { ed25519Class } from './classes/ed25519.js';
import { stateRootClass } from './classes/state-root.js';
import { trieClass } from './classes/trie.js';
import { erasureClass } from './classes/erasure.js';
import { bandersnatchClass } from './classes/bandersnatch.js';
import { pvm } from './classes/pvm.js';
import { historyClass } from './classes/history.js';
import { authorizationsClass } from './classes/authorizations.js';
import { assurancesClass } from './classes/assurances.js';
<<<<<<< HEAD
import { preimagesClass } from './classes/preimages.js';
import { statisticsClass } from './classes/statistics.js';
=======
import { bandersnatchClass } from './classes/bandersnatch.js';
>>>>>>> stfb

export const vectorClasses: ReadonlyArray<VectorClass> = [
  codecClass,
  shuffleClass,
  ed25519Class,
  stateRootClass,
  trieClass,
  erasureClass,
  bandersnatchClass,
  pvm,
  historyClass,
  authorizationsClass,
  assurancesClass,
<<<<<<< HEAD
  preimagesClass,
  statisticsClass,
=======
  disputesClass,
  reportsClass,
  safroleClass,
  bandersnatchClass,
>>>>>>> stfb
];

export const findClass = (name: string): VectorClass | undefined => vectorClasses.find((c) => c.name === name);
