// Requisite resolution: references → tags of target chunks, `_in` forms turned around, `use`
// applied, and the chunks put into execution order (Salt's requisite_in, order_chunks and
// DependencyGraph).
//
//   - `{module: ref}` names the chunks of that module whose ID or name is ref (or matches it, for
//     a wildcard); a bare string names chunks of any module; `sls: name` every chunk of that SLS.
//   - `X_in` on A naming B becomes X on B naming A; B is the whole declaration (every name). An
//     `X_in` naming an SLS without states changes nothing (a warning; Salt says nothing).
//   - `prereq` on A naming B gives B `prerequired` A: B runs after A, A after B's test run.
//   - `listen`/`listen_in` are recorded as `listen` on the listening state; they do not change
//     the order (mod_watch runs at the end of the run).
//   - `watch` on a module without mod_watch is a `require` (Salt's _reconcile_watch_req).
// Every problem is reported: missing targets, malformed or misspelt requisites, cycles.
import type { LowChunk, RequisiteKind } from '../protocol.ts';
import type { ErrorData } from '../errors.ts';
import type { DraftChunk } from './types.ts';
import { REQUISITE_ORDER, RequisiteGraph, type CycleEdge } from './graph.ts';
import { ChunkIndex, type MatchableChunk } from './requisite-match.ts';
import { applyUse, type UseLink } from './requisite-use.ts';
import { misspeltRequisite } from './requisite-typos.ts';
import { hasModWatch } from '../states/registry.ts';
import { compileError } from './error.ts';

export interface ResolveResult {
  /** Chunks in execution order with requisites resolved to tags. */
  chunks: LowChunk[];
  errors: ErrorData[];
  /** What Salt accepts silently: an `_in` form naming an SLS that has no states. */
  warnings: ErrorData[];
}

export interface ResolveOptions {
  /** Whether a state module has mod_watch; when it has not, watch acts as require. Default: the state registry. */
  hasModWatch?: (state: string) => boolean;
}

const DIRECT = new Set<string>([...REQUISITE_ORDER, 'listen']);

const IN_FORMS: Readonly<Record<string, RequisiteKind>> = {
  require_in: 'require',
  watch_in: 'watch',
  onchanges_in: 'onchanges',
  onfail_in: 'onfail',
  prereq_in: 'prereq',
  listen_in: 'listen',
};

/** The kinds of LowChunk.requisites, in the order they are listed. */
const OUTPUT_ORDER: readonly RequisiteKind[] = [...REQUISITE_ORDER, 'prerequired', 'listen'];

interface Ref {
  kind: RequisiteKind;
  /** The keyword as written, for messages. */
  written: string;
  state: string;
  ref: string;
  /** The chunk that declared it. */
  origin: DraftChunk;
}

function located(code: ErrorData['code'], message: string, c: DraftChunk): ErrorData {
  return compileError(code, message, { file: c.file, line: c.line, id: c.id });
}

function missing(r: { written: string; state: string; ref: string; origin: DraftChunk }): ErrorData {
  return located(
    'REQUISITE_MISSING',
    `Referenced state does not exist for requisite [${r.written}: (${r.state}: ${r.ref})] in state [${r.origin.name}] in SLS [${r.origin.sls}]`,
    r.origin,
  );
}

class Resolver {
  readonly errors: ErrorData[] = [];
  readonly warnings: ErrorData[] = [];
  private readonly seen = new Set<string>();
  readonly index: ChunkIndex;
  /** Per chunk tag: the requisites it declares. */
  private readonly own = new Map<string, Ref[]>();
  /** Per chunk tag: requisites turned around from `_in` forms declared elsewhere. */
  private readonly incoming = new Map<string, Ref[]>();
  readonly uses: UseLink[] = [];

  constructor(readonly chunks: readonly MatchableChunk[]) {
    this.index = new ChunkIndex(chunks);
    for (const c of chunks) {
      this.own.set(c.tag, []);
      this.incoming.set(c.tag, []);
    }
  }

  error(e: ErrorData): void {
    const key = `${e.code}\0${e.id}\0${e.message}`;
    if (this.seen.has(key)) return;
    this.seen.add(key);
    this.errors.push(e);
  }

  /** Validates what each chunk declares; records direct requisites, turns `_in` forms around, collects `use`. */
  collect(): void {
    for (const c of this.chunks) {
      for (const key of Object.keys(c.args)) {
        const hint = misspeltRequisite(key);
        if (hint === undefined) continue;
        const advice = hint ? `; did you mean '${hint}'?` : '';
        this.error(
          located(
            'REQUISITE_MALFORMED',
            `Unknown requisite keyword '${key}' in state [${c.name}] in SLS [${c.sls}]${advice}`,
            c,
          ),
        );
      }
      for (const raw of c.raw) {
        const kind = raw.kind;
        if (typeof raw.state !== 'string' || typeof raw.ref !== 'string' || !raw.state) {
          this.error(
            located(
              'REQUISITE_MALFORMED',
              `Requisite [${kind}] in state [${c.name}] in SLS [${c.sls}] must name a state as {module: ID or name}`,
              c,
            ),
          );
          continue;
        }
        const state = raw.state.includes('.') ? raw.state.slice(0, raw.state.indexOf('.')) : raw.state;
        const r = { written: kind, state, ref: raw.ref, origin: c };
        if (DIRECT.has(kind)) this.own.get(c.tag)!.push({ ...r, kind: kind as RequisiteKind });
        else if (kind in IN_FORMS) this.turnAround(c, { ...r, kind: IN_FORMS[kind] });
        else if (kind === 'use' || kind === 'use_in') this.use(c, kind, r);
        else if (kind === 'prerequired') {
          this.error(
            located(
              'REQUISITE_MALFORMED',
              `Requisite [prerequired] in state [${c.name}] in SLS [${c.sls}] cannot be declared; declare prereq on the other state`,
              c,
            ),
          );
        } else {
          this.error(
            located(
              'REQUISITE_MALFORMED',
              `Unknown requisite keyword '${kind}' in state [${c.name}] in SLS [${c.sls}]`,
              c,
            ),
          );
        }
      }
    }
  }

  private turnAround(c: DraftChunk, r: Ref): void {
    // listen_in is looked up like listen; the other _in forms extend a whole declaration.
    const targets =
      r.kind === 'listen' ? this.index.direct(r.state, r.ref).chunks : this.index.declarations(r.state, r.ref);
    if (!targets.length) {
      // Salt extends every state of the named SLS (find_sls_ids): none there, nothing to extend
      if (r.state === 'sls' && r.kind !== 'listen') {
        const said = `Requisite [${r.written}: (sls: ${r.ref})] in state [${c.name}] in SLS [${c.sls}]`;
        this.warnings.push(located('REQUISITE_MISSING', `${said} names no state of the highstate: it adds nothing`, c));
      } else this.error(missing(r));
      return;
    }
    for (const t of targets) {
      const list = this.incoming.get(t.tag)!;
      if (!list.some((x) => x.kind === r.kind && x.state === c.state && x.ref === c.id)) {
        list.push({ kind: r.kind, written: r.kind, state: c.state, ref: c.id, origin: c });
      }
    }
  }

  private use(
    c: DraftChunk,
    kind: 'use' | 'use_in',
    r: { written: string; state: string; ref: string; origin: DraftChunk },
  ): void {
    const found = this.index.declarations(r.state, r.ref);
    if (!found.length) {
      this.error(missing(r));
      return;
    }
    if (kind === 'use') {
      for (const source of ChunkIndex.firstOfEach(found)) this.link(c, source);
    } else {
      for (const user of found) this.link(user, c);
    }
  }

  private link(user: DraftChunk, source: DraftChunk): void {
    const dup = this.uses.some(
      (u) => u.user.tag === user.tag && u.source.state === source.state && u.source.id === source.id,
    );
    if (!dup && !(user.state === source.state && user.id === source.id)) this.uses.push({ user, source });
  }

  /** Resolves every chunk's references into its requisites and the graph. */
  resolve(
    graph: RequisiteGraph,
    modWatch: (state: string) => boolean,
  ): Map<string, Partial<Record<RequisiteKind, string[]>>> {
    const out = new Map<string, Partial<Record<RequisiteKind, string[]>>>();
    for (const c of this.chunks) out.set(c.tag, {});
    const add = (tag: string, kind: RequisiteKind, target: string): void => {
      const reqs = out.get(tag)!;
      const list = (reqs[kind] ??= []);
      if (!list.includes(target)) list.push(target);
    };
    for (const c of this.chunks) {
      const byKind = new Map<RequisiteKind, Ref[]>();
      // A declaration's own references come first, then those added by `_in` forms (Salt's extend).
      for (const r of [...this.own.get(c.tag)!, ...this.incoming.get(c.tag)!]) {
        const list = byKind.get(r.kind);
        if (list) list.push(r);
        else byKind.set(r.kind, [r]);
      }
      if (!modWatch(c.state)) {
        for (const [from, to] of [
          ['watch', 'require'],
          ['watch_any', 'require_any'],
        ] as const) {
          const moved = byKind.get(from);
          if (!moved) continue;
          byKind.set(to, [...(byKind.get(to) ?? []), ...moved.map((r) => ({ ...r, kind: to }))]);
          byKind.delete(from);
        }
      }
      for (const kind of [...REQUISITE_ORDER, 'listen'] as RequisiteKind[]) {
        for (const r of byKind.get(kind) ?? []) {
          const m = this.index.direct(r.state, r.ref);
          if (!m.found) {
            this.error(missing(r));
            continue;
          }
          for (const t of m.chunks) {
            add(c.tag, kind, t.tag);
            if (kind === 'prereq') add(t.tag, 'prerequired', c.tag);
            graph.addRequisite(c.tag, kind, t.tag);
          }
        }
      }
    }
    return out;
  }

  /** A readable name for a chunk in messages: its ID when unique, else its tag. */
  label(tag: string): string {
    const c = this.chunks.find((x) => x.tag === tag);
    if (!c) return tag;
    return this.chunks.some((x) => x.id === c.id && x.tag !== tag) ? tag : c.id;
  }

  /** Reports a cycle as the chain of states, each depending on the next. */
  cycle(edges: readonly CycleEdge[]): void {
    // edges[i]: edges[i].dependency must run before edges[i].dependent, around the loop.
    // Walked backwards they read "A requires B requires C …".
    const steps = [...edges].reverse();
    const chain = [steps[0].dependent, ...steps.map((e) => e.dependency)].map((t) => this.label(t));
    const says = steps.map((e) =>
      e.kind === 'prerequired'
        ? `${this.label(e.dependency)} prereq ${this.label(e.dependent)}`
        : `${this.label(e.dependent)} ${e.kind} ${this.label(e.dependency)}`,
    );
    const first = this.chunks.find((x) => x.tag === steps[0].dependent)!;
    this.error(
      located('REQUISITE_CYCLE', `Recursive requisites were found: ${chain.join(' → ')} (${says.join(', ')})`, first),
    );
  }
}

/**
 * Resolves the requisites of draft chunks and returns them as low chunks in execution order.
 * `drafts` must be in high-data order (the order Salt compiles chunks in).
 */
export function resolveRequisites(drafts: DraftChunk[], options: ResolveOptions = {}): ResolveResult {
  const chunks: MatchableChunk[] = [];
  const tags = new Set<string>();
  for (const d of drafts) {
    if (tags.has(d.tag)) continue;
    tags.add(d.tag);
    chunks.push(d);
  }
  const r = new Resolver(chunks);
  r.collect();

  const graph = new RequisiteGraph();
  for (const c of chunks) graph.addChunk(c.tag, c.order, c.state + c.name + c.fun);
  const requisites = r.resolve(graph, options.hasModWatch ?? hasModWatch);
  for (const cycle of graph.cycles()) r.cycle(cycle);

  const low = new Map<string, LowChunk>();
  for (const c of chunks) {
    const { raw: _raw, index: _index, included_from: _inc, ...rest } = c;
    const found = requisites.get(c.tag)!;
    const reqs: Partial<Record<RequisiteKind, string[]>> = {};
    for (const kind of OUTPUT_ORDER) if (found[kind]?.length) reqs[kind] = found[kind];
    low.set(c.tag, { ...rest, args: { ...c.args }, meta: { ...c.meta }, requisites: reqs });
  }
  applyUse(r.uses, low);
  return { chunks: graph.order().map((tag) => low.get(tag)!), errors: r.errors, warnings: r.warnings };
}
