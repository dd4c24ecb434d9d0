/**
 * Every vector class the model runs, in the order `jam-model vectors` reports them.
 * Each lives in its own file under `vectors/classes/`; add one line here to register it.
 */
import { codecClass } from './classes/codec.js';
import { codecStateClass } from './classes/codec-state.js';
import type { VectorClass } from './report.js';

export const vectorClasses: ReadonlyArray<VectorClass> = [codecClass, codecStateClass];

export const findClass = (name: string): VectorClass | undefined => vectorClasses.find((c) => c.name === name);
