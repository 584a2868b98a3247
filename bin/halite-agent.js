#!/usr/bin/env node
// The `halite-agent` command: from the TypeScript sources through tsx when they are present,
// else from the compiled dist/ tree.
import { existsSync } from 'node:fs';

const source = new URL('../agent/main.ts', import.meta.url);
const compiled = new URL('../dist/agent/main.js', import.meta.url);

try {
  let mod;
  if (existsSync(source)) {
    const { register } = await import('tsx/esm/api');
    register();
    mod = await import(source.href);
  } else {
    mod = await import(compiled.href);
  }
  process.exitCode = await mod.main(process.argv.slice(2));
} catch (err) {
  process.stderr.write(`halite-agent: cannot start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 70;
}
