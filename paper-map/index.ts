/**
 * The public entry of the paper map for the CLI (`jam-model coverage`, through the `#paper-map`
 * subpath of package.json): the equation index, the tag collector, the map, and the runtime
 * coverage of the @gp sites. Everything else under `paper-map/` is its own.
 */
export { lookup } from './equation-index.js';
export { equationIndex } from './equations.js';
export { countSites, executionReport, probes, runCovered, type ExecutionReport, type Run, type RunResult } from './execution.js';
export { buildMap } from './map.js';
export { packageRoot } from './root.js';
export { scanTags } from './tags.js';
