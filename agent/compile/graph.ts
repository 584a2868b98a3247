// The requisite graph: which chunk must run before which, the execution order Salt derives from
// it, and cycles reported as paths.
//
// Nodes are chunk tags. An edge goes from a dependency to its dependent and carries the
// requisite kind (`require`, `watch`…): the dependent declared that kind on the dependency.
// `prereq` needs two more things, as in Salt: the pre-required state B gets a "check" node (its
// test-mode run) that inherits B's other dependencies and runs before the pre-requiring state A,
// and A runs before B (a `prerequired` edge A → B).
//
// The order is a topological sort that, among the chunks ready to run, always picks the smallest
// key (effective order, own order, state+name+fun, tag) — Salt's lexicographical topological
// sort. A chunk's effective order is the smallest of its own order and the orders of the chunks
// that depend on it, so a dependency is pulled up to run right before the first state that needs
// it rather than at its own place.
import type { LowChunk, RequisiteKind } from '../protocol.ts';
import { Heap } from '../util/heap.ts';

/** Salt's precedence of the requisite kinds (RequisiteType declaration order). */
export const REQUISITE_KINDS: readonly RequisiteKind[] = [
  'onfail',
  'onfail_any',
  'onfail_all',
  'require',
  'require_any',
  'onchanges',
  'onchanges_any',
  'watch',
  'watch_any',
  'prereq',
  'prerequired',
  'listen',
];

const WEIGHT = new Map<RequisiteKind, number>(REQUISITE_KINDS.map((k, i) => [k, i]));

/** The weight of an edge when looking for the dependents that pull a chunk forward. */
function orderWeight(kind: RequisiteKind): number {
  // Salt stores the "A before B" edge of a prereq as a require edge.
  return kind === 'prerequired' ? WEIGHT.get('require')! : WEIGHT.get(kind)!;
}

const CHECK_SUFFIX = '_|-__prereq_test__';

interface Node {
  /** Node key: the chunk tag, or the tag plus CHECK_SUFFIX for a prereq check node. */
  key: string;
  tag: string;
  check: boolean;
  order: number;
  /** state + name + fun, the secondary sort key. */
  label: string;
  /** Dependent node key → kinds, both in insertion order. */
  out: Map<string, RequisiteKind[]>;
  in: Map<string, RequisiteKind[]>;
}

/** One edge of a cycle, dependency first (the dependency must run before the dependent). */
export interface CycleEdge {
  dependency: string;
  dependent: string;
  kind: RequisiteKind;
}

/** A step of the execution sequence: a chunk, or the test-mode check of a pre-required chunk. */
export interface SequenceStep {
  tag: string;
  check: boolean;
}

export class RequisiteGraph {
  private readonly nodes = new Map<string, Node>();

  /** Adds a chunk; adding a tag twice keeps the first. */
  addChunk(tag: string, order: number, label: string): void {
    if (this.nodes.has(tag)) return;
    this.nodes.set(tag, { key: tag, tag, check: false, order, label, out: new Map(), in: new Map() });
  }

  has(tag: string): boolean {
    return this.nodes.has(tag);
  }

  /**
   * Records that chunk `dependent` declared `kind` on chunk `target` (both must have been added).
   * `prereq` creates the target's check node; other kinds also apply to the dependent's check
   * node when it has one.
   */
  addRequisite(dependent: string, kind: RequisiteKind, target: string): void {
    if (kind === 'listen' || kind === 'prerequired') return;
    if (kind === 'prereq') {
      const check = this.checkNode(target);
      this.link(check.key, dependent, 'prereq');
      this.link(dependent, target, 'prerequired');
      return;
    }
    const own = this.nodes.get(dependent + CHECK_SUFFIX);
    if (own) this.link(target, own.key, kind);
    this.link(target, dependent, kind);
  }

  private checkNode(tag: string): Node {
    const key = tag + CHECK_SUFFIX;
    let node = this.nodes.get(key);
    if (node) return node;
    const base = this.node(tag);
    node = { key, tag, check: true, order: base.order, label: base.label, out: new Map(), in: new Map() };
    this.nodes.set(key, node);
    // The test run needs what the real run needs, except the states pre-requiring it.
    for (const [from, kinds] of base.in) {
      for (const k of kinds) if (k !== 'prereq' && k !== 'prerequired') this.link(from, key, k);
    }
    return node;
  }

  private node(key: string): Node {
    const n = this.nodes.get(key);
    if (!n) throw new Error(`requisite graph: unknown node ${key}`);
    return n;
  }

  private link(from: string, to: string, kind: RequisiteKind): void {
    const a = this.node(from);
    const b = this.node(to);
    const out = a.out.get(to);
    if (!out) a.out.set(to, [kind]);
    else if (!out.includes(kind)) out.push(kind);
    const inn = b.in.get(from);
    if (!inn) b.in.set(from, [kind]);
    else if (!inn.includes(kind)) inn.push(kind);
  }

  /** Dependency edges (check nodes folded into their chunks), dependency first. */
  edges(): CycleEdge[] {
    const out: CycleEdge[] = [];
    for (const n of this.nodes.values()) {
      if (n.check) continue;
      for (const [to, kinds] of n.out)
        for (const kind of kinds) out.push({ dependency: n.tag, dependent: this.node(to).tag, kind });
    }
    return out;
  }

  private sortKey(n: Node): [number, number, string, string] {
    let min = Infinity;
    let reqOrder = -Infinity;
    for (const [to, kinds] of n.out) {
      for (const kind of kinds) {
        const w = orderWeight(kind);
        // Salt only looks at dependents reached by edges of non-decreasing weight.
        if (reqOrder <= w) {
          reqOrder = w;
          min = Math.min(min, this.node(to).order);
        }
      }
    }
    return [Math.min(n.order, min), n.order, n.label, n.key];
  }

  /**
   * The execution sequence including prereq check steps. Nodes on or behind a cycle are left
   * out of `sequence` and listed in `blocked` (in insertion order).
   */
  sequence(): { sequence: SequenceStep[]; blocked: string[] } {
    const indegree = new Map<string, number>();
    const heap = new Heap<[number, number, string, string]>(compareKeys);
    for (const n of this.nodes.values()) {
      indegree.set(n.key, n.in.size);
      if (n.in.size === 0) heap.push(this.sortKey(n));
    }
    const sequence: SequenceStep[] = [];
    while (heap.size) {
      const n = this.node(heap.pop()[3]);
      sequence.push({ tag: n.tag, check: n.check });
      for (const to of n.out.keys()) {
        const d = indegree.get(to)! - 1;
        indegree.set(to, d);
        if (d === 0) heap.push(this.sortKey(this.node(to)));
      }
    }
    const blocked: string[] = [];
    for (const n of this.nodes.values()) if (!n.check && indegree.get(n.key)! > 0) blocked.push(n.tag);
    return { sequence, blocked };
  }

  /** Chunk tags in execution order, then the blocked ones (only when there are cycles). */
  order(): string[] {
    const { sequence, blocked } = this.sequence();
    return [...sequence.filter((s) => !s.check).map((s) => s.tag), ...blocked];
  }

  /**
   * One cycle per strongly connected component that has one, each found the way Salt's
   * find_cycle walks the graph (depth first, nodes and edges in insertion order), as the list of
   * edges from the first node back to it.
   */
  cycles(): CycleEdge[][] {
    const comp = this.components();
    const excluded = new Set<string>();
    const found: CycleEdge[][] = [];
    for (;;) {
      const cycle = this.findCycle(excluded);
      if (!cycle) return found;
      found.push(cycle.map((e) => ({ dependency: this.node(e[0]).tag, dependent: this.node(e[1]).tag, kind: e[2] })));
      const c = comp.get(cycle[0][0]);
      for (const [key, id] of comp) if (id === c) excluded.add(key);
    }
  }

  private findCycle(excluded: ReadonlySet<string>): Array<[string, string, RequisiteKind]> | undefined {
    const color = new Map<string, 0 | 1 | 2>();
    const parent = new Map<string, [string, RequisiteKind]>();
    for (const start of this.nodes.keys()) {
      if (excluded.has(start) || color.get(start)) continue;
      const stack: Array<{ key: string; edges: Iterator<[string, RequisiteKind]> }> = [];
      const enter = (key: string): void => {
        color.set(key, 1);
        stack.push({ key, edges: this.outEdges(key) });
      };
      enter(start);
      while (stack.length) {
        const top = stack[stack.length - 1];
        const next = top.edges.next();
        if (next.done) {
          color.set(top.key, 2);
          stack.pop();
          continue;
        }
        const [to, kind] = next.value;
        if (excluded.has(to)) continue;
        const c = color.get(to) ?? 0;
        if (c === 1) {
          const cycle: Array<[string, string, RequisiteKind]> = [[top.key, to, kind]];
          let cur = top.key;
          while (cur !== to) {
            const [prev, k] = parent.get(cur)!;
            cycle.push([prev, cur, k]);
            cur = prev;
          }
          return cycle.reverse();
        }
        if (c === 0) {
          parent.set(to, [top.key, kind]);
          enter(to);
        }
      }
    }
    return undefined;
  }

  private *outEdges(key: string): Iterator<[string, RequisiteKind]> {
    for (const [to, kinds] of this.node(key).out) for (const kind of kinds) yield [to, kind];
  }

  /** Strongly connected components (Tarjan, iterative): node key → component number. */
  private components(): Map<string, number> {
    const index = new Map<string, number>();
    const low = new Map<string, number>();
    const onStack = new Set<string>();
    const stack: string[] = [];
    const comp = new Map<string, number>();
    let counter = 0;
    let ncomp = 0;
    for (const root of this.nodes.keys()) {
      if (index.has(root)) continue;
      const work: Array<{ key: string; succ: string[]; i: number }> = [];
      const visit = (key: string): void => {
        index.set(key, counter);
        low.set(key, counter++);
        stack.push(key);
        onStack.add(key);
        work.push({ key, succ: [...this.node(key).out.keys()], i: 0 });
      };
      visit(root);
      while (work.length) {
        const f = work[work.length - 1];
        if (f.i < f.succ.length) {
          const w = f.succ[f.i++];
          if (!index.has(w)) visit(w);
          else if (onStack.has(w)) low.set(f.key, Math.min(low.get(f.key)!, index.get(w)!));
          continue;
        }
        work.pop();
        if (work.length) {
          const p = work[work.length - 1].key;
          low.set(p, Math.min(low.get(p)!, low.get(f.key)!));
        }
        if (low.get(f.key) === index.get(f.key)) {
          let w: string;
          do {
            w = stack.pop()!;
            onStack.delete(w);
            comp.set(w, ncomp);
          } while (w !== f.key);
          ncomp++;
        }
      }
    }
    return comp;
  }
}

function compareKeys(a: [number, number, string, string], b: [number, number, string, string]): number {
  for (let i = 0; i < 4; i++) {
    if (a[i] < b[i]) return -1;
    if (a[i] > b[i]) return 1;
  }
  return 0;
}

/** An edge for display: `from` declared `kind` on `to` (`prerequired` edges are left out). */
export interface RequisiteEdge {
  from: string;
  to: string;
  kind: RequisiteKind;
}

/** The requisite edges of compiled chunks, in chunk order then requisite order. */
export function requisiteEdges(chunks: readonly LowChunk[]): RequisiteEdge[] {
  const edges: RequisiteEdge[] = [];
  for (const c of chunks) {
    for (const [kind, tags] of Object.entries(c.requisites) as Array<[RequisiteKind, string[]]>) {
      if (kind === 'prerequired') continue;
      for (const to of tags) edges.push({ from: c.tag, to, kind });
    }
  }
  return edges;
}

/** Builds the graph of compiled chunks (each requisite as recorded in the chunk). */
export function graphOf(chunks: readonly LowChunk[]): RequisiteGraph {
  const g = new RequisiteGraph();
  for (const c of chunks) g.addChunk(c.tag, c.order, c.state + c.name + c.fun);
  for (const c of chunks) {
    for (const kind of REQUISITE_ORDER)
      for (const to of c.requisites[kind] ?? []) if (g.has(to)) g.addRequisite(c.tag, kind, to);
  }
  return g;
}

/** The order in which Salt adds a chunk's requisites to the graph (add_requisites). */
export const REQUISITE_ORDER: readonly RequisiteKind[] = [
  'require',
  'require_any',
  'watch',
  'watch_any',
  'prereq',
  'onfail',
  'onfail_any',
  'onfail_all',
  'onchanges',
  'onchanges_any',
];
