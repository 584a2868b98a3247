// `halite doc` in-process: a function's arguments or a module's functions, as docs/states/ has them.
import t from 'tap';
import { readFileSync } from 'node:fs';
import { main } from '../../../master/cli.ts';
import { STATE_DOCS_DIR } from '../../../master/build/state-docs.ts';
import { join } from 'node:path';
import { EXIT } from '../../../master/exit-codes.ts';

async function doc(...args: string[]) {
  const io = {
    out: '',
    err: '',
    env: {},
    cwd: '/',
    stdout: (s: string) => void (io.out += s),
    stderr: (s: string) => void (io.err += s),
  };
  const code = await main(['doc', ...args], io);
  return { code, out: io.out, err: io.err };
}

t.test('a function: its section of the module page', async (t) => {
  const r = await doc('service.running');
  t.equal(r.code, 0, r.err);
  t.match(r.out, /^## service\.running\n\nThe service is running/);
  t.match(r.out, '| init_delay | seconds |');
  t.notMatch(r.out, '## service.dead');
  t.ok(readFileSync(join(STATE_DOCS_DIR, 'service.md'), 'utf8').includes(r.out.trimEnd()), 'the same text as the page');
});

t.test('a module: its page', async (t) => {
  const r = await doc('sysctl');
  t.equal(r.code, 0, r.err);
  t.equal(r.out, readFileSync(join(STATE_DOCS_DIR, 'sysctl.md'), 'utf8'));
});

t.test('no topic lists the modules; an unknown one is a usage error', async (t) => {
  const all = await doc();
  t.equal(all.code, 0);
  t.match(all.out, /State modules: .*pkg.*service/);
  for (const topic of ['nope', 'service.nope', 'service.running.x', 'constructor']) {
    const r = await doc(topic);
    t.equal(r.code, EXIT.USAGE, topic);
    t.match(r.err, `halite: no state module or function '${topic}'`);
  }
});
