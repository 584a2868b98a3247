import t from 'tap';
import { HaliteError, formatError, toErrorData } from '../../agent/errors.ts';

t.test('formatError names host, file, line, ID and code', async (t) => {
  t.equal(
    formatError({ code: 'DUPLICATE_ID', message: 'ID foo is declared twice', file: 'a.sls', line: 3, id: 'foo' }),
    'a.sls:3: ID foo is declared twice [ID foo] (DUPLICATE_ID)',
  );
  t.equal(formatError({ code: 'TRANSPORT', message: 'unreachable', host: 'app1' }), 'app1: unreachable (TRANSPORT)');
});

t.test('toErrorData keeps a HaliteError and wraps anything else', async (t) => {
  const e = new HaliteError({ code: 'ROSTER', message: 'bad port', id: 'port', host: 'db1' });
  t.same(toErrorData(e), { code: 'ROSTER', message: 'bad port', id: 'port', host: 'db1' });
  t.same(toErrorData(new Error('boom'), { file: 'x' }), { code: 'INTERNAL', file: 'x', message: 'boom' });
  t.same(toErrorData('str'), { code: 'INTERNAL', message: 'str' });
});
