// Include entries → SLS names, relative forms resolved as Salt does.
import t from 'tap';
import { resolveInclude } from '../../../agent/compile/include.ts';

const envs = new Set(['base', 'dev']);
const from = (sls: string, isInit = false, env = 'base') => ({ sls, env, isInit, envs });

t.test('absolute and saltenv forms', async (t) => {
  t.same(resolveInclude('a.b', from('x')), { sls: 'a.b', env: 'base' });
  t.same(resolveInclude({ dev: 'a' }, from('x')), { sls: 'a', env: 'dev' });
  t.same(resolveInclude({ _xenv: 'a' }, from('x', false, 'dev')), { sls: 'a', env: 'dev' });
  t.match(resolveInclude({ prod: 'a' }, from('x')), { problem: /nonexistent saltenv 'prod'/ });
  t.match(resolveInclude({ base: 'a', dev: 'b' }, from('x')), { problem: /single/ });
  t.match(resolveInclude(3, from('x')), { problem: /not an SLS name/ });
  t.match(resolveInclude('', from('x')), { problem: /not an SLS name/ });
});

t.test('relative forms', async (t) => {
  const cases: Array<[string, string, boolean, string]> = [
    ['.c', 'a.b', false, 'a.c'],
    ['.c', 'a', true, 'a.c'],
    ['.c', 'a', false, 'c'],
    ['..d', 'a.b.c', false, 'a.d'],
    ['..d', 'a.b', true, 'a.d'],
    ['..d', 'a.b', false, 'd'],
    ['.', 'a.b', true, 'a.b'],
    ['.x.y', 'a.b', false, 'a.x.y'],
  ];
  for (const [inc, sls, isInit, want] of cases) {
    t.same(
      resolveInclude(inc, from(sls, isInit)),
      { sls: want, env: 'base' },
      `${inc} in ${sls}${isInit ? '/init' : ''}`,
    );
  }
  t.match(resolveInclude('..x', from('a')), { problem: /beyond the top-level package/ });
  t.match(resolveInclude('...x', from('a.b', true)), { sls: 'x' });
  t.match(resolveInclude('....x', from('a.b', true)), { problem: /beyond/ });
  t.match(resolveInclude('..', from('a.b')), { problem: /names no SLS/ });
});
