#!/usr/bin/env node
// `npm run build`: builds dist/ now, whatever its stamp says (commands build it by themselves when
// the sources changed; see fresh-bundle.js).
import { AGENT_BUNDLE, MASTER_BUNDLE, ensureBundle } from './fresh-bundle.js';

try {
  await ensureBundle({ force: true });
  process.stdout.write(`built ${MASTER_BUNDLE} and ${AGENT_BUNDLE}\n`);
} catch (err) {
  process.stderr.write(`build failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exitCode = 1;
}
