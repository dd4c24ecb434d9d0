/** The entry point of `npm run paper-map` and `npm run paper-map:check`; options in `cli.ts`. */
import { runPaperMap } from './cli.js';

process.exitCode = runPaperMap(process.argv.slice(2), console);
