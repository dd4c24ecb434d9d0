/** This package's version, from package.json (for `--version` and fuzz-v1's PeerInfo). */
import { readFileSync } from 'node:fs';

export const packageVersion = (): string => {
  // bin/version.ts, or dist/bin/version.js once built: package.json is at the root either way.
  const here = new URL('.', import.meta.url);
  const root = here.pathname.includes('/dist/bin/') ? new URL('../../', here) : new URL('../', here);
  const pkg = JSON.parse(readFileSync(new URL('package.json', root), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
};
