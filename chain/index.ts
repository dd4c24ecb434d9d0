/**
 * The chain layer: the one place that makes a working chain above `model/`. Engines chosen once
 * (`engines.ts`), the importer, the in-core refiner and the chain value of `{ spec, readings }`
 * (`chain.ts`: the constants and the readings of `spec/readings.ts` carried together to the
 * importer and the PVM engines; states by header hash, the retained headers of 5.3), state import
 * and export as key-values, trace and work-package files (`traces.ts`), where the public vectors
 * are (`locate.ts`) and a field-level value diff (`diff.ts`).
 */
export * from './engines.js';
export * from './chain.js';
export * from './traces.js';
export * from './locate.js';
export * from './diff.js';
export type { Ancestor, ImportError, ImportState, Imported } from '../model/block-import/index.js';
export { stateRoot } from '../model/block-import/index.js';
export type { ComputedReport, InCoreData, RefinedItem, RefineState, WorkPackageRejection } from '../model/in-core/index.js';
export { NativeUnavailable } from '../model/native.js';
