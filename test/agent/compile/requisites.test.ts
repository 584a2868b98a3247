// resolveRequisites on hand-made draft chunks: what the SLS-level cases cannot reach directly.
import t from 'tap';
import { resolveRequisites } from '../../../agent/compile/requisites.ts';
import type { DraftChunk, RawRequisite } from '../../../agent/compile/types.ts';
import { makeTag } from '../../../agent/protocol.ts';

let index = 0;
interface Opts {
  state?: string;
  fun?: string;
  name?: string;
  sls?: string;
  order?: number;
  args?: Record<string, unknown>;
  meta?: Record<string, unknown>;
  raw?: Array<[string, string, string]>;
  included_from?: string[];
}

function draft(id: string, o: Opts = {}): DraftChunk & { included_from?: string[] } {
  const state = o.state ?? 'cmd';
  const fun = o.fun ?? 'run';
  const name = o.name ?? id;
  const raw: RawRequisite[] = (o.raw ?? []).map(([kind, s, ref]) => ({ kind, state: s, ref }));
  const d: DraftChunk & { included_from?: string[] } = {
    tag: makeTag(state, id, name, fun),
    state,
    fun,
    id,
    name,
    sls: o.sls ?? 'requisite',
    env: 'base',
    file: `${(o.sls ?? 'requisite').replace(/\./g, '/')}.sls`,
    line: index + 1,
    order: o.order ?? 10000 + index,
    args: o.args ?? {},
    meta: o.meta ?? {},
    raw,
    index: index++,
  };
  if (o.included_from) d.included_from = o.included_from;
  return d;
}

function ids(drafts: DraftChunk[], options = {}) {
  const r = resolveRequisites(drafts, options);
  return {
    order: r.chunks.map((c) => c.id),
    errors: r.errors,
    chunks: r.chunks,
    by: (id: string) => r.chunks.find((c) => c.id === id)!,
  };
}

t.beforeEach(() => {
  index = 0;
});

t.test('references by ID, by name, bare, and by wildcard', async (t) => {
  const a = draft('A', { name: 'echo A' });
  const b = draft('B', { state: 'file', fun: 'managed', name: '/etc/b.conf' });
  const c = draft('C', { state: 'file', fun: 'managed', name: '/etc/c.conf' });
  const w = draft('W', {
    raw: [
      ['require', 'cmd', 'echo A'],
      ['watch', 'file', '/etc/*.conf'],
      ['onchanges', 'id', 'B'],
    ],
  });
  const r = ids([w, a, b, c]);
  t.same(r.errors, []);
  t.same(r.by('W').requisites, { require: [a.tag], watch: [b.tag, c.tag], onchanges: [b.tag] });
  t.same(r.order, ['A', 'B', 'C', 'W']);
});

t.test('a bare reference matches every module of that ID or name', async (t) => {
  const pkg = draft('nginx', { state: 'pkg', fun: 'installed' });
  const svc = draft('nginx', { state: 'service', fun: 'running' });
  const other = draft('conf', { state: 'file', fun: 'managed', name: 'nginx' });
  const d = draft('D', { raw: [['require', 'id', 'nginx']] });
  t.same(ids([pkg, svc, other, d]).by('D').requisites, { require: [pkg.tag, svc.tag, other.tag] });
});

t.test('sls references, exact and wildcard, include the SLS files an SLS included', async (t) => {
  const x = draft('X', { sls: 'web.base', included_from: ['web'] });
  const y = draft('Y', { sls: 'web' });
  const z = draft('Z', { sls: 'db' });
  const a = draft('A', { raw: [['require', 'sls', 'web']] });
  const b = draft('B', { raw: [['require', 'sls', 'web.*']] });
  const c = draft('C', { raw: [['require', 'sls', 'nothing.*']] });
  const r = ids([x, y, z, a, b, c]);
  t.same(r.errors, [], 'a wildcard sls matching nothing is not an error (Salt)');
  t.same(r.by('A').requisites, { require: [x.tag, y.tag] });
  t.same(r.by('B').requisites, { require: [x.tag] });
  t.same(r.by('C').requisites, {});
  const missing = ids([draft('Q', { raw: [['require', 'sls', 'nothing']] })]);
  t.match(missing.errors, [
    {
      code: 'REQUISITE_MISSING',
      message:
        'Referenced state does not exist for requisite [require: (sls: nothing)] in state [Q] in SLS [requisite]',
      id: 'Q',
    },
  ]);
});

t.test('X_in on A naming B becomes X on B naming A, for every name of B', async (t) => {
  const a = draft('A', {
    raw: [
      ['require_in', 'file', 'conf'],
      ['onchanges_in', 'id', 'conf'],
      ['watch_in', 'file', '/etc/x'],
    ],
  });
  const c1 = draft('conf', { state: 'file', fun: 'managed', name: '/etc/x' });
  const c2 = draft('conf', { state: 'file', fun: 'managed', name: '/etc/y' });
  const r = ids([a, c1, c2]);
  t.same(r.errors, []);
  for (const id of [c1.tag, c2.tag]) {
    // file has no mod_watch: its watch is a require, listed after its requires.
    t.same(r.chunks.find((c) => c.tag === id)!.requisites, { require: [a.tag], onchanges: [a.tag] });
  }
  t.same(r.by('A').requisites, {});
});

t.test('a bare X_in reference names the first module of that ID (Salt)', async (t) => {
  const a = draft('A', { raw: [['require_in', 'id', 'nginx']] });
  const pkg = draft('nginx', { state: 'pkg', fun: 'installed' });
  const svc = draft('nginx', { state: 'service', fun: 'running' });
  const r = ids([a, pkg, svc]);
  t.same(r.chunks.find((c) => c.tag === pkg.tag)!.requisites, { require: [a.tag] });
  t.same(r.chunks.find((c) => c.tag === svc.tag)!.requisites, {});
});

t.test('X_in keeps the target declaration’s own requisites first', async (t) => {
  const z = draft('Z');
  const b = draft('B', { raw: [['require_in', 'cmd', 'T']] });
  const target = draft('T', { raw: [['require', 'cmd', 'Z']] });
  t.same(ids([z, b, target]).by('T').requisites, { require: [z.tag, b.tag] });
});

t.test('prereq gives the target prerequired', async (t) => {
  const a = draft('A', { raw: [['prereq', 'cmd', 'B']] });
  const b = draft('B');
  const r = ids([a, b]);
  t.same(r.by('A').requisites, { prereq: [b.tag] });
  t.same(r.by('B').requisites, { prerequired: [a.tag] });
  t.same(r.order, ['A', 'B']);
});

t.test('listen and listen_in are recorded as listen and do not order', async (t) => {
  const svc = draft('svc', {
    state: 'service',
    fun: 'running',
    name: 'apache2',
    raw: [['listen', 'file', '/etc/apache2.conf']],
  });
  const conf = draft('conf', {
    state: 'file',
    fun: 'managed',
    name: '/etc/apache2.conf',
    raw: [['listen_in', 'service', 'apache2']],
  });
  const r = ids([svc, conf]);
  t.same(r.errors, []);
  t.same(r.by('svc').requisites, { listen: [conf.tag] });
  t.same(r.order, ['svc', 'conf']);
  const bad = ids([draft('L', { raw: [['listen', 'file', 'nope']] })]);
  t.match(bad.errors, [{ code: 'REQUISITE_MISSING', message: /\[listen: \(file: nope\)\]/ }]);
});

t.test('use copies the arguments the state does not set; use_in the other way round', async (t) => {
  const base = draft('/etc/foo.conf', {
    state: 'file',
    fun: 'managed',
    args: { source: 'salt://foo.conf', user: 'apache', mode: '0644', name: '/etc/foo.conf' },
    meta: { onlyif: 'false' },
    raw: [
      ['require', 'id', 'other'],
      ['use_in', 'file', '/etc/baz.conf'],
    ],
  });
  const other = draft('other');
  const bar = draft('/etc/bar.conf', {
    state: 'file',
    fun: 'managed',
    args: { source: 'salt://bar.conf', mode: '0600' },
    raw: [['use', 'file', '/etc/foo.conf']],
  });
  const baz = draft('/etc/baz.conf', { state: 'file', fun: 'managed', args: { user: 'root' } });
  const chain = draft('/etc/chain.conf', { state: 'file', fun: 'managed', raw: [['use', 'file', '/etc/bar.conf']] });
  const r = ids([base, other, bar, baz, chain]);
  t.same(r.errors, []);
  t.same(r.by('/etc/bar.conf').args, { source: 'salt://bar.conf', mode: '0600', user: 'apache' });
  t.same(r.by('/etc/bar.conf').meta, { onlyif: 'false' });
  t.same(r.by('/etc/bar.conf').requisites, {}, 'requisites are not inherited');
  t.same(r.by('/etc/baz.conf').args, { user: 'root', source: 'salt://foo.conf', mode: '0644' });
  t.same(
    r.by('/etc/chain.conf').args,
    { source: 'salt://bar.conf', mode: '0600' },
    'inherited arguments are not passed on',
  );
  t.same(
    base.args,
    { source: 'salt://foo.conf', user: 'apache', mode: '0644', name: '/etc/foo.conf' },
    'drafts are not changed',
  );
  const missing = ids([draft('U', { raw: [['use', 'file', 'nope']] })]);
  t.match(missing.errors, [{ code: 'REQUISITE_MISSING', message: /\[use: \(file: nope\)\]/ }]);
});

t.test('watch on a module without mod_watch is a require', async (t) => {
  const a = draft('A');
  const f = draft('F', {
    state: 'file',
    fun: 'managed',
    raw: [
      ['require', 'id', 'A'],
      ['watch', 'cmd', 'A'],
      ['watch_any', 'cmd', 'A'],
    ],
  });
  const s = draft('S', { state: 'service', fun: 'running', raw: [['watch', 'cmd', 'A']] });
  const r = ids([a, f, s], { hasModWatch: (m: string) => m === 'service' });
  t.same(r.by('F').requisites, { require: [a.tag], require_any: [a.tag] });
  t.same(r.by('S').requisites, { watch: [a.tag] });
  const byRegistry = ids([a, f, s]);
  t.same(byRegistry.by('F').requisites, { require: [a.tag], require_any: [a.tag] }, 'file has no mod_watch');
  t.same(byRegistry.by('S').requisites, { watch: [a.tag] }, 'service has one');
  const always = ids([a, f, s], { hasModWatch: () => true });
  t.same(always.by('F').requisites, { require: [a.tag], watch: [a.tag], watch_any: [a.tag] });
});

t.test('errors: every missing reference, with file, line and ID of the declaring state', async (t) => {
  const a = draft('A', { name: 'echo A' });
  const f = draft('F', {
    name: 'echo F',
    raw: [
      ['require', 'foobar', 'A'],
      ['require', 'cmd', 'Z'],
      ['watch', 'id', 'Y'],
    ],
  });
  const g = draft('G', { name: 'echo G', raw: [['require_in', 'foobar', 'W']] });
  const r = ids([a, f, g]);
  t.same(r.errors, [
    {
      code: 'REQUISITE_MISSING',
      message:
        'Referenced state does not exist for requisite [require_in: (foobar: W)] in state [echo G] in SLS [requisite]',
      file: 'requisite.sls',
      line: 3,
      id: 'G',
    },
    {
      code: 'REQUISITE_MISSING',
      message:
        'Referenced state does not exist for requisite [require: (foobar: A)] in state [echo F] in SLS [requisite]',
      file: 'requisite.sls',
      line: 2,
      id: 'F',
    },
    {
      code: 'REQUISITE_MISSING',
      message: 'Referenced state does not exist for requisite [require: (cmd: Z)] in state [echo F] in SLS [requisite]',
      file: 'requisite.sls',
      line: 2,
      id: 'F',
    },
    {
      code: 'REQUISITE_MISSING',
      message: 'Referenced state does not exist for requisite [watch: (id: Y)] in state [echo F] in SLS [requisite]',
      file: 'requisite.sls',
      line: 2,
      id: 'F',
    },
  ]);
  t.equal(r.chunks.length, 3, 'chunks are still returned');
});

t.test('errors: misspelt and unknown requisite keywords, prerequired, malformed references', async (t) => {
  const a = draft('A', {
    args: { requires: [{ cmd: 'B' }], 'watch-in': [], onchange: [], require_any_in: [], name: 'A', cwd: '/' },
  });
  const b = draft('B', {
    raw: [
      ['prerequired', 'cmd', 'A'],
      ['wait_for', 'cmd', 'A'],
      ['require', '', 'A'],
    ],
  });
  const r = ids([a, b]);
  t.match(
    r.errors.map((e) => [e.code, e.id, e.message]),
    [
      [
        'REQUISITE_MALFORMED',
        'A',
        /^Unknown requisite keyword 'requires' in state \[A\] in SLS \[requisite\]; did you mean 'require'\?$/,
      ],
      ['REQUISITE_MALFORMED', 'A', /'watch-in'.*did you mean 'watch_in'/],
      ['REQUISITE_MALFORMED', 'A', /'onchange'.*did you mean 'onchanges'/],
      ['REQUISITE_MALFORMED', 'A', /'require_any_in' in state \[A\] in SLS \[requisite\]$/],
      ['REQUISITE_MALFORMED', 'B', /prerequired.*cannot be declared/],
      ['REQUISITE_MALFORMED', 'B', /Unknown requisite keyword 'wait_for'/],
      ['REQUISITE_MALFORMED', 'B', /must name a state/],
    ],
  );
  t.equal(r.errors.length, 7);
});

t.test('each name of a declaration is reported under its own name', async (t) => {
  const n1 = draft('N', { name: 'one', raw: [['require_in', 'cmd', 'gone']] });
  const n2 = draft('N', { name: 'two', raw: [['require_in', 'cmd', 'gone']] });
  const r = ids([n1, n2]);
  t.equal(r.errors.length, 2);
  t.not(r.errors[0].message, r.errors[1].message);
});

t.test('cycles: the message prints the path', async (t) => {
  const a = draft('A', { name: 'echo A', raw: [['require', 'cmd', 'B']] });
  const b = draft('B', { name: 'echo B', raw: [['require', 'cmd', 'C']] });
  const c = draft('C', { name: 'echo C', raw: [['watch', 'cmd', 'A']] });
  const d = draft('D');
  const r = ids([a, b, c, d]);
  t.same(r.errors, [
    {
      code: 'REQUISITE_CYCLE',
      message: 'Recursive requisites were found: A → B → C → A (A require B, B require C, C watch A)',
      file: 'requisite.sls',
      line: 1,
      id: 'A',
    },
  ]);
  t.same(r.order, ['D', 'A', 'B', 'C'], 'chunks outside the cycle come first, then the blocked ones');
});

t.test('cycles: chunks sharing an ID are shown by tag', async (t) => {
  const p = draft('nginx', { state: 'pkg', fun: 'installed', raw: [['require', 'service', 'nginx']] });
  const s = draft('nginx', { state: 'service', fun: 'running', raw: [['require', 'pkg', 'nginx']] });
  const r = ids([p, s]);
  t.equal(r.errors.length, 1);
  t.equal(
    r.errors[0].message,
    'Recursive requisites were found: pkg_|-nginx_|-nginx_|-installed → service_|-nginx_|-nginx_|-running → pkg_|-nginx_|-nginx_|-installed ' +
      '(pkg_|-nginx_|-nginx_|-installed require service_|-nginx_|-nginx_|-running, service_|-nginx_|-nginx_|-running require pkg_|-nginx_|-nginx_|-installed)',
  );
});

t.test('cycles through prereq name the prereq', async (t) => {
  // Salt test_requisites_prereq_simple_ordering_and_errors_10.
  const a = draft('A', { name: 'echo A', raw: [['prereq', 'cmd', 'B']] });
  const b = draft('B', { name: 'echo B', raw: [['prereq', 'cmd', 'A']] });
  const r = ids([a, b]);
  t.equal(r.errors.length, 1);
  t.equal(r.errors[0].message, 'Recursive requisites were found: A → B → A (B prereq A, A prereq B)');
});

t.test('duplicate tags are kept once', async (t) => {
  const a = draft('A');
  const r = ids([a, { ...a, index: 9 }]);
  t.same(r.order, ['A']);
});
