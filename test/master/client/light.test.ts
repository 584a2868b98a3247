// The thin client stays light: everything `halite` loads before it knows whether a daemon takes
// the job (master/client/entry.ts and what it imports, type-only imports aside) is a handful of
// small files using Node's built-ins only — no package (commander, ssh2, SQLite, nunjucks, yaml).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../..', import.meta.url));
const IMPORT = /^\s*(import|export)\s+(?!type\b)[^'";]*?from\s*['"]([^'"]+)['"]/gm;

function graph(entry: string): { files: string[]; packages: string[] } {
  const files = new Set<string>();
  const packages = new Set<string>();
  const visit = (file: string): void => {
    if (files.has(file)) return;
    files.add(file);
    for (const m of readFileSync(join(ROOT, file), 'utf8').matchAll(IMPORT)) {
      const spec = m[2]!;
      if (spec.startsWith('node:')) continue;
      if (!spec.startsWith('.')) packages.add(spec);
      else visit(relative(ROOT, join(ROOT, dirname(file), spec)));
    }
  };
  visit(entry);
  return { files: [...files].sort(), packages: [...packages].sort() };
}

t.test('the thin client imports no package and only a few files', async (t) => {
  const { files, packages } = graph('master/client/entry.ts');
  t.same(packages, [], 'no package outside Node');
  t.ok(files.length <= 12, `${files.length} files: ${files.join(', ')}`);
  t.ok(
    files.every((f) => !/^master\/(cli\.ts|(commands|push|api|jobs|pillar|dashboard)\/)/.test(f)),
    'none of the master’s heavy parts',
  );
});
