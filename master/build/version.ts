// halite's version, from the package.json beside the sources (or beside the bundle in dist/).
import { readFileSync } from 'node:fs';

let cached: string | undefined;

export function haliteVersion(): string {
  if (cached) return cached;
  for (const rel of ['../package.json', '../../package.json']) {
    try {
      const pkg = JSON.parse(readFileSync(new URL(rel, import.meta.url), 'utf8')) as {
        name?: string;
        version?: string;
      };
      if (pkg.name === 'halite' && pkg.version) return (cached = pkg.version);
    } catch {
      // not this one
    }
  }
  return (cached = 'unknown');
}
