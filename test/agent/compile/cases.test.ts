// Table-driven compiler tests: each YAML file under cases/ is a small state tree plus
// the chunk order, chunk fields or errors Salt would produce for it.
import t from 'tap';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { MemTree } from '../../../agent/store/tree.ts';
import { compileHighstate } from '../../../agent/compile/highstate.ts';
import type { LowChunk } from '../../../agent/protocol.ts';
import type { ErrorData } from '../../../agent/errors.ts';

interface Case {
  description?: string;
  grains?: Record<string, unknown>;
  pillar?: Record<string, unknown>;
  saltenv?: string;
  sls?: string[];
  files: Record<string, string>;
  expect: {
    order?: string[];
    chunks?: Record<string, Record<string, unknown>>;
    errors?: Array<Partial<ErrorData> & { message?: string }>;
    /** What Salt compiles and fails at run time; none expected when left out. */
    warnings?: Array<Partial<ErrorData> & { message?: string }>;
    top?: Record<string, string[]>;
  };
}

const root = join(import.meta.dirname, 'cases');

function walk(dir: string): string[] {
  return readdirSync(dir)
    .flatMap((n) => {
      const p = join(dir, n);
      return statSync(p).isDirectory() ? walk(p) : n.endsWith('.yaml') ? [p] : [];
    })
    .sort();
}

function key(c: LowChunk, ref: string): boolean {
  return ref.includes('_|-') ? c.tag === ref : c.id === ref;
}

function errMatches(e: ErrorData, want: Partial<ErrorData> & { message?: string }): boolean {
  for (const [k, v] of Object.entries(want)) {
    if (k === 'message') {
      if (!new RegExp(String(v)).test(e.message)) return false;
    } else if ((e as unknown as Record<string, unknown>)[k] !== v) return false;
  }
  return true;
}

for (const file of walk(root)) {
  const name = relative(root, file).replace(/\.yaml$/, '');
  const c = parse(readFileSync(file, 'utf8')) as Case;
  t.test(`${name}${c.description ? `: ${c.description}` : ''}`, async (t) => {
    const grains = { id: 'minion', ...(c.grains ?? {}) };
    const out = compileHighstate({
      tree: new MemTree(c.files, name),
      ctx: { grains, pillar: c.pillar ?? {}, saltenv: c.saltenv ?? 'base' },
      sls: c.sls,
    });
    const ex = c.expect;
    if (ex.errors) {
      for (const want of ex.errors) {
        t.ok(
          out.errors.some((e) => errMatches(e, want)),
          `error ${JSON.stringify(want)}`,
          { found: out.errors },
        );
      }
      t.equal(out.errors.length, ex.errors.length, 'no other errors', { found: out.errors });
    } else {
      t.same(out.errors, [], 'compiles without errors');
    }
    for (const want of ex.warnings ?? []) {
      t.ok(
        out.warnings.some((e) => errMatches(e, want)),
        `warning ${JSON.stringify(want)}`,
        { found: out.warnings },
      );
    }
    t.equal(out.warnings.length, ex.warnings?.length ?? 0, 'no other warnings', { found: out.warnings });
    if (ex.top) t.same(out.top, ex.top, 'top matches');
    if (ex.order) {
      t.same(
        out.chunks.map((ch) => (ex.order!.some((r) => r.includes('_|-')) ? ch.tag : ch.id)),
        ex.order,
        'chunk order',
      );
    }
    for (const [ref, fields] of Object.entries(ex.chunks ?? {})) {
      const ch = out.chunks.find((x) => key(x, ref));
      t.ok(ch, `chunk ${ref} exists`);
      if (!ch) continue;
      const { requisites, ...rest } = fields as { requisites?: Record<string, unknown> };
      t.match(ch, rest, `chunk ${ref} fields`);
      // Requisites are compared exactly (a kind set to null must be absent).
      if (requisites) {
        const want = Object.fromEntries(Object.entries(requisites).filter(([, v]) => v !== null));
        const got = Object.fromEntries(Object.entries(ch.requisites).filter(([k]) => k in requisites));
        t.same(got, want, `chunk ${ref} requisites`);
      }
    }
  });
}
