// The daemon's transport runs a function on every host (what `halite run` needs) over the
// connections it holds: opened once per host, kept for the next job, a failing host reported as
// its outcome without stopping the others.
import t from 'tap';
import { EventEmitter } from 'node:events';
import type { HostConnection } from '../../../master/transport/connection.ts';
import { HeldTransport } from '../../../master/transport/held-transport.ts';
import type { HostTarget } from '../../../master/transport/target.ts';
import type { Transport } from '../../../master/transport/transport.ts';

const target = (id: string): HostTarget =>
  ({ id, address: `10.0.0.${id.length}`, port: 22, user: 'root' }) as HostTarget;

t.test('runAll over held connections: one connection per host for several jobs, failures as outcomes', async (t) => {
  const opened: string[] = [];
  const fake = {
    connect: async (tg: HostTarget) => {
      opened.push(tg.id);
      if (tg.id === 'down') throw new Error('unreachable');
      return { target: tg, client: new EventEmitter(), close: () => undefined } as unknown as HostConnection;
    },
    close: () => undefined,
  } as unknown as Transport;
  const held = new HeldTransport(fake, 4);
  t.teardown(() => held.close());
  const hosts = [target('a'), target('bb'), target('down')];
  for (let job = 0; job < 2; job++) {
    const out = await held.runAll(hosts, async (c) => `ran on ${c.target.id}`);
    t.same(
      out.map((o) => (o.ok ? o.value : `error: ${o.error.message}`)),
      ['ran on a', 'ran on bb', 'error: unreachable'],
    );
  }
  t.same(opened.sort(), ['a', 'bb', 'down', 'down'], 'a and bb connected once for both jobs; down tried each time');
  t.same(held.stats, { opened: 4, open: 2 });
});
