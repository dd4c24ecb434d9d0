/**
 * The engines a chain runs on, chosen once: for each computation with a TypeScript reference and
 * a native twin, which one runs. Native by default. Bandersnatch has only the native engine
 * (ark-vrf); it is listed so that every engine the chain needs is named here.
 *
 * `--engine ts`, `--engine native`, or per engine `--engine pvm=ts,erasure=native` (the engines
 * not named stay native). The PVM has a third: `pvm=interpreter`, the native engine without its
 * recompiler (every instruction interpreted), for a run that should not trust the recompiled code.
 */
import * as E from 'fp-ts/lib/Either.js';
import { selectEd25519Engine, ed25519Verifiers, type Ed25519Verifier } from '../model/crypto/ed25519.js';
import { selectHashEngine } from '../model/crypto/hash.js';
import { erasureEngines, type ErasureEngine } from '../model/erasure/index.js';
import { loadNative, NativeUnavailable } from '../model/native.js';
import { tsPvm, type PvmEngine } from '../model/pvm/index.js';
import { nativePvm } from '../model/pvm/native.js';
import type { PvmReadings } from '../spec/readings.js';

export type EngineName = 'ts' | 'native';
/** The PVM's engines: the twins, and the native one interpreting only. */
export type PvmEngineName = EngineName | 'interpreter';

/** The names of the PVM's twins (the runs that compare the two). */
export const pvmEngineNames: ReadonlyArray<EngineName> = ['ts', 'native'];
/** Every PVM engine `--engine pvm=` names: the twins, and the native one interpreting only. */
export const pvmEngineChoices: ReadonlyArray<PvmEngineName> = [...pvmEngineNames, 'interpreter'];

/** Whether x names a PVM engine (a twin, or `interpreter`). */
export const isPvmEngineName = (x: string): x is PvmEngineName => (pvmEngineChoices as ReadonlyArray<string>).includes(x);

/** The computations with an engine choice. */
export const engineKinds = ['pvm', 'hash', 'erasure', 'ed25519', 'bandersnatch'] as const;
export type EngineKind = (typeof engineKinds)[number];

export interface Engines {
  /** The PVM (Appendix A) that Psi_A runs on. */
  readonly pvm: PvmEngineName;
  /** H, Blake2b-256. */
  readonly hash: EngineName;
  /** Erasure coding (Appendix H). */
  readonly erasure: EngineName;
  /** Ed25519 verification (ZIP-215). */
  readonly ed25519: EngineName;
  /** Bandersnatch VRFs (Appendix G): native only. */
  readonly bandersnatch: 'native';
}

export const nativeEngines: Engines = { pvm: 'native', hash: 'native', erasure: 'native', ed25519: 'native', bandersnatch: 'native' };

/** The syntax of `--engine`, for help texts. */
export const engineSyntax = `ts | native | KIND=ENGINE,... (KIND: ${engineKinds.join(', ')}; bandersnatch is native only; pvm=interpreter: native, not recompiled)`;

/**
 * The engines an `--engine` argument names explicitly (the others are left out): `ts` or
 * `native` names every engine that has that twin; `pvm=ts,hash=native` names some.
 */
export const parseEngineChoice = (arg: string): E.Either<string, Partial<Engines>> => {
  const isName = (x: string): x is EngineName => x === 'ts' || x === 'native';
  if (isName(arg)) return E.right(arg === 'ts' ? { pvm: 'ts', hash: 'ts', erasure: 'ts', ed25519: 'ts' } : nativeEngines);
  const chosen: Record<string, PvmEngineName> = {};
  for (const part of arg.split(',')) {
    const [kind, name, ...rest] = part.split('=');
    if (kind === undefined || name === undefined || rest.length > 0 || !(engineKinds as ReadonlyArray<string>).includes(kind))
      return E.left(`unknown engine '${part}': --engine ${engineSyntax}`);
    if (kind === 'pvm' ? !isPvmEngineName(name) : !isName(name))
      return E.left(`unknown engine '${name}' for ${kind} (ts or native${kind === 'pvm' ? ', or interpreter' : ''})`);
    if (kind === 'bandersnatch' && name === 'ts') return E.left('bandersnatch has no TypeScript engine (native only)');
    chosen[kind] = name as PvmEngineName;
  }
  return E.right(chosen as Partial<Engines>);
};

/** The engines of a choice: those named, the others native. */
export const enginesOf = (choice: Partial<Engines>): Engines => ({ ...nativeEngines, ...choice });

/**
 * Makes the engines usable: loads the native build (every chain needs it for Bandersnatch) and
 * sets the process-wide engines of H and Ed25519. Left with one line naming `npm run build:native`
 * when the native build is missing.
 */
export const useEngines = (engines: Engines): E.Either<string, Engines> => {
  try {
    loadNative();
  } catch (e) {
    if (e instanceof NativeUnavailable) return E.left(e.message);
    throw e;
  }
  selectHashEngine(engines.hash);
  selectEd25519Engine(engines.ed25519);
  return E.right(engines);
};

/** The PVM engine named, under the PVM's readings (only that one is made). */
export const pvmEngineNamed = (name: PvmEngineName, readings: PvmReadings): PvmEngine =>
  name === 'ts' ? tsPvm(readings) : nativePvm(readings, name === 'interpreter' ? 'never' : 'hot');

/** The PVM engine chosen, under the PVM's readings. */
export const pvmEngine = (engines: Engines, readings: PvmReadings): PvmEngine => pvmEngineNamed(engines.pvm, readings);

/** The erasure-coding engine chosen. */
export const erasureEngine = (engines: Engines): ErasureEngine => erasureEngines[engines.erasure];

/** The Ed25519 verifier chosen. */
export const ed25519Verifier = (engines: Engines): Ed25519Verifier => ed25519Verifiers[engines.ed25519];
