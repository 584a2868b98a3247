// Every state function honours the contract the executor relies on.
import t from 'tap';
import { knownFunctions, modules, stateFunction } from '../../../agent/states/index.ts';
import { STATE_FUNCTIONS } from '../../../agent/states/registry.ts';

t.test('every function declares its arguments and has check and apply', async (t) => {
  for (const [mod, funs] of Object.entries(modules)) {
    for (const [name, fn] of Object.entries(funs)) {
      const id = `${mod}.${name}`;
      t.type(fn.args, 'object', `${id} declares args`);
      t.notOk('name' in fn.args, `${id}: name is implicit`);
      t.type(fn.check, 'function', `${id}.check`);
      t.type(fn.apply, 'function', `${id}.apply`);
    }
  }
});

t.test('lookup by state and function', async (t) => {
  t.equal(stateFunction('file', 'managed'), modules.file.managed);
  t.equal(stateFunction('cmd', 'watch'), modules.cmd.wait, 'cmd.watch is cmd.wait');
  t.equal(stateFunction('file', 'nope'), undefined);
  t.equal(stateFunction('nope', 'managed'), undefined);
  t.equal(stateFunction('file', 'constructor'), undefined, 'no prototype lookups');
  t.ok(knownFunctions().includes('test.configurable_test_state'));
});

t.test('watch reactions exist where the registry says a module has mod_watch', async (t) => {
  for (const mod of Object.keys(modules)) {
    const registered = (STATE_FUNCTIONS[mod] ?? []).includes('mod_watch');
    const funs = Object.entries(modules[mod]);
    t.equal(
      funs.some(([, f]) => f.modWatch),
      registered,
      `${mod}: modWatch ${registered ? 'present' : 'absent'}`,
    );
  }
});

t.test('every function the registry lists for these modules is implemented', async (t) => {
  const missing: string[] = [];
  for (const mod of Object.keys(modules)) {
    for (const fun of STATE_FUNCTIONS[mod] ?? [])
      if (fun !== 'mod_watch' && !stateFunction(mod, fun)) missing.push(`${mod}.${fun}`);
  }
  t.same(missing, []);
});

t.test('the registry lists every implemented function', async (t) => {
  const unlisted = knownFunctions().filter((f) => {
    const [mod, fun] = f.split('.');
    return !(STATE_FUNCTIONS[mod] ?? []).includes(fun);
  });
  t.same(unlisted, []);
});
