// `halite keeper --socket PATH --persist SEC`: the connection keeper (transport/mux-server.ts).
// Commands start it in the background; it is not listed in the help.
import { type Command, Option } from 'commander';
import { buildId } from '../build/build-id.ts';
import { usageError } from '../cli-error.ts';
import { runKeeper } from '../transport/mux-server.ts';

export function registerKeeper(program: Command): void {
  program
    .command('keeper', { hidden: true })
    .description('keep SSH connections open between commands')
    .addOption(new Option('--socket <path>', 'unix socket to listen on').makeOptionMandatory())
    .addOption(new Option('--persist <sec>', 'seconds to stay after the last request').default('60'))
    .action(async (o: { socket: string; persist: string }) => {
      const persistSec = Number(o.persist);
      if (!Number.isFinite(persistSec) || persistSec < 0)
        throw usageError(`--persist: expected a number of seconds, not '${o.persist}'`);
      await runKeeper({ socket: o.socket, persistSec, build: buildId() });
    });
}
