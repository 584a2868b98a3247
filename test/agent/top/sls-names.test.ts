import t from 'tap';
import { MemTree } from '../../../agent/store/tree.ts';
import { expandSls, listSls } from '../../../agent/top/sls-names.ts';
import { yamlLines } from '../../../agent/top/yaml-lines.ts';

t.test('listSls names every SLS once, init files by their directory, without the top file', async (t) => {
  const tree = new MemTree({
    'top.sls': '',
    'a.sls': '',
    'b/init.sls': '',
    'b/c.sls': '',
    'd/e/init.sls': '',
    'notes.txt': '',
    'init.sls': '',
  });
  t.same(listSls(tree), ['a', 'b', 'b.c', 'd.e']);
});

t.test('expandSls', async (t) => {
  let calls = 0;
  const avail = (): string[] => {
    calls++;
    return ['a', 'b', 'b.c', 'b.d'];
  };
  t.same(expandSls('b.*', avail), ['b.c', 'b.d']);
  t.same(expandSls('x.*', avail), ['x.*']);
  t.same(expandSls('b', avail), ['b']);
  t.equal(calls, 2, 'the tree is only listed for globs');
});

t.test('yamlLines indexes keys and items', async (t) => {
  const l = yamlLines('base:\n  "*":\n    - a\n    - match: grain\nother: 1\n');
  t.equal(l.lineOf(['base']), 1);
  t.equal(l.lineOf(['base', '*']), 2);
  t.equal(l.lineOf(['base', '*', 0]), 3);
  t.equal(l.lineOf(['base', '*', 1, 'match']), 4);
  t.equal(l.lineOf(['other']), 5);
  t.equal(l.lineOf(['nope']), undefined);
  t.equal(yamlLines('a:\n  b:\n    c: 1\n', 2).lineOf(['a', 'b', 'c']), undefined, 'depth limit');
});
