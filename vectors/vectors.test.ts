/**
 * Every registered vector class as vitest cases: one test per vector, so the summary counts
 * vectors. A skipped vector is reported as skipped with its rule; a failed one shows its diff.
 */
import { paperReadings } from '../spec/readings.js';
import * as E from 'fp-ts/lib/Either.js';
import { describe, it } from 'vitest';
import { nativeEngines, useEngines } from '../chain/index.js';
import { knownFailures } from './known-failures.js';
import { vectorClasses } from './registry.js';
import { configParams } from './report.js';

// The chain's engines as the CLI chooses them by default; the twins of each class each run.
const engines = useEngines(nativeEngines);
if (E.isLeft(engines)) throw new Error(engines.left);

for (const cls of vectorClasses)
  for (const config of cls.configs)
    for (const engine of cls.engines ?? [undefined])
      describe([cls.name, config, engine].filter((x) => x !== undefined).join(' / '), () => {
        for (const c of cls.cases(config, engine, engines.right, configParams(config, paperReadings))) {
          const known = knownFailures.get(`${cls.name}/${config}/${c.name}`);
          if (known !== undefined) {
            it.fails(`${c.name} (known failure: ${known})`, async () => {
              const r = await c.run();
              if (r.status !== 'passed') throw new Error(r.status === 'failed' ? r.detail : r.reason);
            });
            continue;
          }
          it(c.name, async (ctx) => {
            const r = await c.run();
            if (r.status === 'skipped') ctx.skip(r.reason);
            if (r.status === 'failed') throw new Error(r.detail);
          });
        }
      });
