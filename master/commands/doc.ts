// `halite doc [MODULE[.FUNCTION]]`: the state reference (Salt's sys.state_doc), the same text as
// docs/states/: a function's arguments, a module's functions, or the list of modules.
import type { Command } from 'commander';
import { usageError } from '../cli-error.ts';
import type { CommandContext } from '../output/cli-io.ts';
import { moduleNames, stateDoc } from '../../agent/states/reference.ts';

export function registerDoc(program: Command, ctx: CommandContext): void {
  program
    .command('doc')
    .description('show the arguments of a state function (pkg.installed) or of every function of a module (pkg)')
    .argument('[topic]', 'a module or module.function; none lists the modules')
    .action((topic: string | undefined) => {
      if (topic === undefined) {
        ctx.io.stdout(
          `State modules: ${moduleNames().join(', ')}\nhalite doc MODULE or MODULE.FUNCTION shows their arguments.\n`,
        );
        return;
      }
      const text = stateDoc(topic);
      if (text === undefined)
        throw usageError(`no state module or function '${topic}' (modules: ${moduleNames().join(', ')})`);
      ctx.io.stdout(text.endsWith('\n') ? text : `${text}\n`);
    });
}
