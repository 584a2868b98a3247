// docs/states/: writes the state reference pages generated from the declarations
// (`npm run docs:states`), or lists how the committed pages differ from them.
import { mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { referencePages } from '../../agent/states/reference.ts';

export const STATE_DOCS_DIR = fileURLToPath(new URL('../../docs/states/', import.meta.url));

/** Pages missing, different or left over in `dir`, by file name. */
export function staleStateDocs(dir = STATE_DOCS_DIR): string[] {
  const pages = referencePages();
  let present: string[] = [];
  try {
    present = readdirSync(dir).filter((f) => f.endsWith('.md'));
  } catch {
    // no directory: every page is missing
  }
  const stale = Object.entries(pages).filter(
    ([f, text]) => !present.includes(f) || readFileSync(join(dir, f), 'utf8') !== text,
  );
  return [...stale.map(([f]) => f), ...present.filter((f) => !(f in pages))].sort();
}

/** Writes every page to `dir`, removing pages of modules that no longer exist; returns the file names. */
export function writeStateDocs(dir = STATE_DOCS_DIR): string[] {
  mkdirSync(dir, { recursive: true });
  const pages = referencePages();
  for (const f of readdirSync(dir)) if (f.endsWith('.md') && !(f in pages)) rmSync(join(dir, f));
  for (const [f, text] of Object.entries(pages)) writeFileSync(join(dir, f), text);
  return Object.keys(pages);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const written = writeStateDocs();
  process.stdout.write(`docs/states: ${written.length} pages written\n`);
}
