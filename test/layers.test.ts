// The layout's rules, checked on the sources: every folder of master/ and agent/ has a place in the
// layer order below (the same order ARCHITECTURE.md's code map gives), a file imports only from its own
// folder or from folders lower in the order, agent/ never imports master/, and no file takes part in
// an import cycle (type-only imports included).
import t from 'tap';
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Lowest first. A root file is a layer of its own name; `kernel` groups the shared root files. */
const LAYERS: readonly (readonly string[])[] = [
  ['agent/protocol.ts', 'agent/errors.ts', 'agent/exit-codes.ts'],
  ['agent/util'],
  ['agent/process'],
  ['agent/store'],
  ['agent/match'],
  ['agent/facts'],
  ['agent/render'],
  ['agent/top'],
  ['agent/pillar'],
  ['agent/backends'],
  ['agent/states'],
  ['agent/compile'],
  ['agent/execute'],
  ['agent/output'],
  ['agent/runtime'],
  ['agent/main.ts'],
  ['agent/entry.ts'],
  ['master/cli-error.ts', 'master/exit-codes.ts'],
  ['master/config'],
  ['master/transport'],
  ['master/client'],
  ['master/target'],
  ['master/jobs'],
  ['master/pillar'],
  ['master/push'],
  ['master/build'],
  ['master/output'],
  ['master/commands'],
  ['master/api', 'master/schedule'],
  ['master/dashboard'],
  ['master/cli.ts'],
];

function sources(dir: string, out: string[] = []): string[] {
  for (const e of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
    const p = `${dir}/${e.name}`;
    if (e.isDirectory()) sources(p, out);
    else if (/\.ts$/.test(e.name) && !e.name.endsWith('.d.ts')) out.push(p);
  }
  return out;
}

const IMPORT =
  /(?:^|\n)\s*(?:import|export)\b[^'";]*?from\s*['"](\.{1,2}\/[^'"]+)['"]|import\s*\(\s*['"](\.{1,2}\/[^'"]+)['"]\s*\)/g;

function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const out: string[] = [];
  for (const m of text.matchAll(IMPORT))
    out.push(
      normalize(join(dirname(file), m[1] ?? m[2]))
        .split('\\')
        .join('/'),
    );
  return out;
}

/** The layer unit of a file: its top folder under master/ or agent/, or the root file itself. */
function unitOf(file: string): string {
  const parts = file.split('/');
  return parts.length > 2 ? `${parts[0]}/${parts[1]}` : file;
}

const rank = new Map<string, number>();
LAYERS.forEach((units, i) => units.forEach((u) => rank.set(u, i)));

const files = [...sources('agent'), ...sources('master')];
const graph = new Map(
  files.map((f) => [f, importsOf(f).filter((d) => d.startsWith('agent/') || d.startsWith('master/'))]),
);

t.test('every folder and root file of master/ and agent/ has a layer', async (t) => {
  const units = [...new Set(files.map(unitOf))].sort();
  const unplaced = units.filter((u) => !rank.has(u));
  t.same(unplaced, [], 'add new folders to LAYERS and to ARCHITECTURE.md');
  const gone = [...rank.keys()].filter((u) => !units.includes(u));
  t.same(gone, [], 'layers that no longer exist');
});

t.test('imports go to the same folder or down the layers; agent/ never imports master/', async (t) => {
  const wrong: string[] = [];
  for (const [file, deps] of graph) {
    const from = unitOf(file);
    for (const dep of deps) {
      const to = unitOf(dep);
      if (from === to) continue;
      if (file.startsWith('agent/') && dep.startsWith('master/')) wrong.push(`${file} → ${dep} (agent imports master)`);
      else if ((rank.get(to) ?? Infinity) > (rank.get(from) ?? -1)) wrong.push(`${file} → ${dep} (upward)`);
    }
  }
  t.same(wrong, []);
});

t.test('no import cycles', async (t) => {
  // Tarjan's strongly connected components over the file graph.
  let index = 0;
  const idx = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const on = new Set<string>();
  const cycles: string[][] = [];
  const visit = (v: string): void => {
    idx.set(v, index);
    low.set(v, index++);
    stack.push(v);
    on.add(v);
    for (const w of graph.get(v) ?? []) {
      if (!graph.has(w)) continue;
      if (!idx.has(w)) {
        visit(w);
        low.set(v, Math.min(low.get(v)!, low.get(w)!));
      } else if (on.has(w)) low.set(v, Math.min(low.get(v)!, idx.get(w)!));
    }
    if (low.get(v) === idx.get(v)) {
      const comp: string[] = [];
      let w: string;
      do {
        w = stack.pop()!;
        on.delete(w);
        comp.push(w);
      } while (w !== v);
      if (comp.length > 1 || (graph.get(v) ?? []).includes(v)) cycles.push(comp.sort());
    }
  };
  for (const f of graph.keys()) if (!idx.has(f)) visit(f);
  t.same(cycles, []);
});

t.test('every import resolves to a file', async (t) => {
  const known = new Set(files);
  const missing: string[] = [];
  for (const [file, deps] of graph)
    for (const d of deps)
      if (d.endsWith('.ts') && !known.has(d) && !d.endsWith('.d.ts')) missing.push(`${file} → ${relative('.', d)}`);
  t.same(missing, []);
});

t.test('ARCHITECTURE.md maps every layer', async (t) => {
  const doc = readFileSync(join(ROOT, 'ARCHITECTURE.md'), 'utf8');
  const section = (top: string): string => doc.split(/^### /m).find((s) => s.startsWith(`${top}/`)) ?? '';
  const unmapped = [...rank.keys()].filter((u) => {
    const [top, name] = u.split('/');
    return !section(top).includes(`\`${name}${name.endsWith('.ts') ? '' : '/'}\``);
  });
  t.same(unmapped, [], 'each folder appears as `name/` (each root file as `name.ts`) in its section of the code map');
});
