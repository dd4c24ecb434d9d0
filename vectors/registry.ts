/**
 * Every vector class the model runs, in the order `jam-model vectors` reports them.
 * Each lives in its own file under `vectors/classes/`; add one line here to register it.
 */
import type { VectorClass } from './report.js';
import { bandersnatchClass } from './classes/bandersnatch.js';
import { erasureClass } from './classes/erasure.js';

export const vectorClasses: ReadonlyArray<VectorClass> = [erasureClass, bandersnatchClass];

export const findClass = (name: string): VectorClass | undefined => vectorClasses.find((c) => c.name === name);
