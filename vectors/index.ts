/**
 * The public entry of the conformance runner: the vector classes and the runner for `jam-model
 * vectors`, the host-call coverage for `jam-model host-calls`, and the STF-case reading that the
 * accumulation property replays. Everything else under `vectors/` is the runner's own; other
 * folders import only this file (bin/ through the `#conformance` subpath of package.json).
 */
export { findClass, vectorClasses } from './registry.js';
export { configParams, runClass, type ClassReport, type Config, type VectorClass } from './report.js';
export { LOG, hostCallCoverage, testedAnswers, type HostCallCoverage } from './host-call-coverage.js';
export { caseNames, loadStfCase } from './stf.js';
export { accumulateTestCase, runAccumulate } from './classes/accumulate.js';
