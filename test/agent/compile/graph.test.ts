import t from 'tap';
import { RequisiteGraph, graphOf, requisiteEdges } from '../../../agent/compile/graph.ts';
import type { LowChunk, RequisiteKind } from '../../../agent/protocol.ts';

const tag = (id: string, fun = 'succeed_with_changes'): string => `test_|-${id}_|-${id}_|-${fun}`;

interface Spec {
  id: string;
  order: number;
  fun?: string;
  reqs?: Array<[RequisiteKind, string]>;
}

function build(specs: Spec[]): RequisiteGraph {
  const g = new RequisiteGraph();
  for (const s of specs) g.addChunk(tag(s.id, s.fun), s.order, `test${s.id}${s.fun ?? 'succeed_with_changes'}`);
  for (const s of specs)
    for (const [kind, to] of s.reqs ?? [])
      g.addRequisite(tag(s.id, s.fun), kind, tag(to, specs.find((x) => x.id === to)!.fun));
  return g;
}

const ids = (tags: string[]): string[] => tags.map((x) => x.split('_|-')[1]);

t.test('orders by order, requisites and state+name+fun (Salt unit test_ordering, cap 100)', async (t) => {
  const cap = 100;
  const last = cap + 1_000_000;
  const g = build([
    { id: 'success-last-1', order: last },
    { id: 'success-last-3', order: last, reqs: [['require', 'success-last-2']] },
    { id: 'success-last-2', order: last },
    { id: 'success-6', order: cap },
    { id: 'success-first-1', order: 0 },
    { id: 'success-first-3', order: 0, reqs: [['require', 'success-first-2']] },
    { id: 'success-first-2', order: 0 },
    { id: 'fail-0', order: cap, fun: 'fail_without_changes' },
    { id: 'fail-1', order: cap, fun: 'fail_without_changes' },
    {
      id: 'req-fails',
      order: cap,
      reqs: [
        ['require', 'fail-0'],
        ['require', 'fail-1'],
      ],
    },
    { id: 'success-4', order: 4 },
    { id: 'success-1', order: 1, fun: 'succeed_without_changes' },
    { id: 'success-2', order: 2, fun: 'succeed_without_changes' },
    { id: 'success-d', order: cap, fun: 'succeed_without_changes' },
    { id: 'success-c', order: cap, fun: 'succeed_without_changes' },
    { id: 'success-b', order: cap, fun: 'succeed_without_changes' },
    { id: 'success-a', order: cap, fun: 'succeed_without_changes' },
    {
      id: 'success-3',
      order: 3,
      fun: 'succeed_without_changes',
      reqs: [
        ['require', 'success-a'],
        ['watch', 'success-c'],
        ['onchanges', 'success-b'],
        ['listen', 'success-d'],
      ],
    },
    { id: 'success-5', order: cap, fun: 'succeed_without_changes', reqs: [['listen', 'success-6']] },
  ]);
  t.same(ids(g.order()), [
    'success-first-1',
    'success-first-2',
    'success-first-3',
    'success-1',
    'success-2',
    'success-a',
    'success-b',
    'success-c',
    'success-3',
    'success-4',
    'fail-0',
    'fail-1',
    'req-fails',
    'success-5',
    'success-6',
    'success-d',
    'success-last-1',
    'success-last-2',
    'success-last-3',
  ]);
});

t.test('a dependency is pulled up to run right before its first dependent', async (t) => {
  // Auto orders: X 10000, A 10001, B 10002; X requires B, so B runs first.
  const g = build([
    { id: 'X', order: 10000, reqs: [['require', 'B']] },
    { id: 'A', order: 10001 },
    { id: 'B', order: 10002 },
  ]);
  t.same(ids(g.order()), ['B', 'X', 'A']);
  const plain = build([
    { id: 'X', order: 10000 },
    { id: 'A', order: 10001 },
    { id: 'B', order: 10002 },
  ]);
  t.same(ids(plain.order()), ['X', 'A', 'B']);
});

t.test('only dependents reached by edges of non-decreasing weight pull a chunk up (Salt)', async (t) => {
  // X has two dependents: D1 (order 50, require) and D2 (order 1, onfail). Salt walks X's edges
  // in insertion order and skips an edge lighter than the heaviest seen so far.
  const requireFirst = build([
    { id: 'X', order: 100 },
    { id: 'D1', order: 50, reqs: [['require', 'X']] },
    { id: 'D2', order: 1, reqs: [['onfail', 'X']] },
    { id: 'Y', order: 20 },
  ]);
  // X's effective order is 50 (the onfail edge is skipped): Y (20) runs before X.
  t.same(ids(requireFirst.order()), ['Y', 'X', 'D2', 'D1']);
  const onfailFirst = build([
    { id: 'X', order: 100 },
    { id: 'D2', order: 1, reqs: [['onfail', 'X']] },
    { id: 'D1', order: 50, reqs: [['require', 'X']] },
    { id: 'Y', order: 20 },
  ]);
  t.same(ids(onfailFirst.order()), ['X', 'D2', 'Y', 'D1']);
});

t.test('listen does not order', async (t) => {
  const g = build([
    { id: 'L', order: 1, reqs: [['listen', 'T']] },
    { id: 'T', order: 2 },
  ]);
  t.same(ids(g.order()), ['L', 'T']);
  t.same(g.cycles(), []);
});

t.test('prereq: the target is checked in test mode before the prereq-ing state, which runs before it', async (t) => {
  // Salt test_requisites_prereq_simple_ordering_and_errors_1: A prereq_in C (C prereq A), B prereq C.
  const g = build([
    { id: 'A', order: 10000 },
    { id: 'B', order: 10001, reqs: [['prereq', 'C']] },
    { id: 'C', order: 10002, reqs: [['prereq', 'A']] },
    { id: 'I', order: 10003 },
  ]);
  const { sequence, blocked } = g.sequence();
  t.same(
    sequence.map((s) => `${s.check ? 'check ' : ''}${s.tag.split('_|-')[1]}`),
    ['check A', 'check C', 'B', 'C', 'A', 'I'],
  );
  t.same(blocked, []);
  t.same(ids(g.order()), ['B', 'C', 'A', 'I']);
});

t.test('the check run of a pre-required state waits for its own requisites', async (t) => {
  // c requires a; b prereq c: a, check c, b, c.
  const g = build([
    { id: 'a', order: 10000 },
    { id: 'b', order: 10001, reqs: [['prereq', 'c']] },
    { id: 'c', order: 10002, reqs: [['require', 'a']] },
  ]);
  t.same(
    g.sequence().sequence.map((s) => `${s.check ? 'check ' : ''}${s.tag.split('_|-')[1]}`),
    ['a', 'check c', 'b', 'c'],
  );
  // The same when the requisite is added after the state became a prereq target.
  const late = new RequisiteGraph();
  for (const [id, order] of [
    ['a', 10000],
    ['b', 10001],
    ['c', 10002],
  ] as const)
    late.addChunk(tag(id), order, `test${id}`);
  late.addRequisite(tag('b'), 'prereq', tag('c'));
  late.addRequisite(tag('c'), 'require', tag('a'));
  t.same(
    late.sequence().sequence.map((s) => `${s.check ? 'check ' : ''}${s.tag.split('_|-')[1]}`),
    ['a', 'check c', 'b', 'c'],
  );
});

t.test('cycles are found the way Salt walks the graph (unit test_find_cycle_edges)', async (t) => {
  const g = build([
    { id: 'state-1', order: 1, reqs: [['require', 'state-2']] },
    { id: 'state-2', order: 1, reqs: [['require', 'state-3']] },
    { id: 'state-3', order: 1, reqs: [['require', 'state-1']] },
  ]);
  const cycles = g.cycles();
  t.equal(cycles.length, 1);
  t.same(
    cycles[0].map((e) => [e.dependency.split('_|-')[1], e.kind, e.dependent.split('_|-')[1]]),
    [
      ['state-1', 'require', 'state-3'],
      ['state-3', 'require', 'state-2'],
      ['state-2', 'require', 'state-1'],
    ],
  );
  const { sequence, blocked } = g.sequence();
  t.same(sequence, []);
  t.same(ids(blocked), ['state-1', 'state-2', 'state-3']);
  t.same(ids(g.order()), ['state-1', 'state-2', 'state-3'], 'blocked chunks are still listed');
});

t.test('one cycle per strongly connected component; a self-requisite is a cycle', async (t) => {
  const g = build([
    { id: 'a', order: 1, reqs: [['require', 'b']] },
    { id: 'b', order: 2, reqs: [['watch', 'a']] },
    { id: 'c', order: 3, reqs: [['require', 'c']] },
    { id: 'd', order: 4, reqs: [['require', 'a']] },
    { id: 'e', order: 5 },
  ]);
  const cycles = g.cycles().map((c) => c.map((e) => `${e.dependency.split('_|-')[1]}>${e.dependent.split('_|-')[1]}`));
  t.same(cycles, [['a>b', 'b>a'], ['c>c']]);
  const { sequence, blocked } = g.sequence();
  t.same(ids(sequence.map((s) => s.tag)), ['e']);
  t.same(ids(blocked), ['a', 'b', 'c', 'd']);
});

t.test('a prereq against a require is a cycle through the check node', async (t) => {
  // Salt test_requisites_mixed_require_prereq_use_5: A prereq_in B (B prereq A), B require_in A (A require B).
  const g = build([
    { id: 'A', order: 10000, reqs: [['require', 'B']] },
    { id: 'B', order: 10001, reqs: [['prereq', 'A']] },
  ]);
  const cycles = g.cycles();
  t.same(
    cycles.map((c) => c.map((e) => [e.dependency.split('_|-')[1], e.kind, e.dependent.split('_|-')[1]])),
    [
      [
        ['B', 'require', 'A'],
        ['A', 'prereq', 'B'],
      ],
    ],
  );
});

t.test('long chains sort without recursion limits', async (t) => {
  const n = 5000;
  const specs: Spec[] = [];
  for (let i = 0; i < n; i++)
    specs.push({ id: `nop-${i}`, order: 10000 + (n - i), reqs: i ? [['require', `nop-${i - 1}`]] : [] });
  const g = build(specs);
  const order = ids(g.order());
  t.equal(order.length, n);
  t.ok(
    order.every((id, i) => id === `nop-${i}`),
    'chain order kept',
  );
  t.same(g.cycles(), []);
});

function chunk(id: string, requisites: LowChunk['requisites'], order = 1): LowChunk {
  return {
    tag: tag(id),
    state: 'test',
    fun: 'succeed_with_changes',
    id,
    name: id,
    sls: 's',
    env: 'base',
    order,
    args: {},
    meta: {},
    requisites,
  };
}

t.test('requisiteEdges lists what each chunk declared; graphOf rebuilds the order', async (t) => {
  const chunks = [
    chunk('b', {}, 2),
    chunk('a', { require: [tag('b')], prereq: [tag('c')], listen: [tag('b')] }, 1),
    chunk('c', { prerequired: [tag('a')] }, 3),
  ];
  t.same(requisiteEdges(chunks), [
    { from: tag('a'), to: tag('b'), kind: 'require' },
    { from: tag('a'), to: tag('c'), kind: 'prereq' },
    { from: tag('a'), to: tag('b'), kind: 'listen' },
  ]);
  t.same(ids(graphOf(chunks).order()), ['b', 'a', 'c']);
});
