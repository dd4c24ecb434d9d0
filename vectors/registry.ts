/**
 * Every vector class the model runs, in the order `jam-model vectors` reports them.
 * Each lives in its own file under `vectors/classes/`; add one line here to register it.
 */
import { pvm } from './classes/pvm.js';
import type { VectorClass } from './report.js';

export const vectorClasses: ReadonlyArray<VectorClass> = [pvm];

export const findClass = (name: string): VectorClass | undefined => vectorClasses.find((c) => c.name === name);
