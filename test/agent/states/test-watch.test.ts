import t from 'tap';
import { makeContext, silentLogger } from '../../../agent/states/context.ts';
import testModule from '../../../agent/states/test.ts';

t.test("the watch reaction lists the watched states that changed (Salt's test.mod_watch)", async (t) => {
  const ctx = makeContext({
    log: silentLogger,
    changedRequisites: ['test_|-a_|-a_|-succeed_with_changes', 'file_|-conf_|-/etc/x_|-managed'],
  });
  const fn = testModule.succeed_without_changes;
  const plan = await fn.modWatch!({ name: 'w' }, ctx);
  t.equal(plan.status, 'pending');
  const out = await fn.apply(plan, ctx);
  t.same(out, { changes: { 'Requisites with changes': ['test: a', 'file: conf'] }, comment: 'Watch statement fired.' });
  const custom = await fn.apply(await fn.modWatch!({ name: 'w', comment: 'custom', result: false }, ctx), ctx);
  t.match(custom, { result: false, comment: 'custom' });
});
