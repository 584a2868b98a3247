// Module hooks for the tests: a `.ts` module is turned into JavaScript by esbuild (with an inline
// source map, so stack traces name the .ts lines) and loaded as an ES module; everything else
// loads as Node loads it. Imports name their files with the .ts extension (tsconfig.json), so
// nothing needs resolving. The JavaScript is cached by content in node_modules/.cache and esbuild
// is loaded only when a file is not there: a test process starts in about half the CPU time it
// takes through a general-purpose loader (tsx), which resolves and transforms far more.
import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OPTIONS = {
  loader: 'ts',
  format: 'esm',
  target: `node${process.versions.node.split('.')[0]}`,
  sourcemap: 'inline',
  tsconfigRaw: { compilerOptions: { target: 'ES2022', useDefineForClassFields: true } },
};
const ESBUILD = createRequire(import.meta.url)('esbuild/package.json').version;
const SALT = `${ESBUILD}\0${JSON.stringify(OPTIONS)}\0`;
const CACHE = fileURLToPath(new URL('../node_modules/.cache/halite-test-ts/', import.meta.url));

let esbuild;
let cacheUsable = true;
try {
  mkdirSync(CACHE, { recursive: true, mode: 0o700 });
} catch {
  cacheUsable = false;
}

function cached(path) {
  try {
    return readFileSync(path, 'utf8');
  } catch {
    return undefined;
  }
}

function store(path, code) {
  const tmp = `${path}.${process.pid}.tmp`;
  try {
    writeFileSync(tmp, code);
    renameSync(tmp, path);
  } catch {
    // an unwritable cache only costs the next process the same transform
  }
}

export async function load(url, context, nextLoad) {
  if (!url.startsWith('file:') || !url.split(/[?#]/)[0].endsWith('.ts')) return nextLoad(url, context);
  const file = fileURLToPath(url);
  const source = readFileSync(file, 'utf8');
  const entry = cacheUsable
    ? join(CACHE, `${createHash('sha256').update(SALT).update(file).update('\0').update(source).digest('hex')}.mjs`)
    : undefined;
  let code = entry && cached(entry);
  if (code === undefined) {
    esbuild ??= await import('esbuild');
    code = (await esbuild.transform(source, { ...OPTIONS, sourcefile: file })).code;
    if (entry) store(entry, code);
  }
  return { format: 'module', source: code, shortCircuit: true };
}
