#!/usr/bin/env node
// The `halite-agent` command: from dist/agent.cjs, built first when the sources changed
// (fresh-bundle.js); where it cannot be built, from the TypeScript sources through tsx; an
// installation without sources runs the bundle it has.
import { pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { AGENT_BUNDLE, ROOT, ensureBundle, haveSources } from './fresh-bundle.js';

try {
  if (!haveSources() || (await ensureBundle())) {
    // the bundle runs the command line as it loads and sets the exit code
    await import(pathToFileURL(AGENT_BUNDLE).href);
  } else {
    const { register } = await import('tsx/esm/api');
    register();
    const mod = await import(pathToFileURL(join(ROOT, 'agent', 'main.ts')).href);
    process.exitCode = await mod.main(process.argv.slice(2));
  }
} catch (err) {
  process.stderr.write(`halite-agent: cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 70;
}
