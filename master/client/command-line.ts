// What the thin client reads of a command line before handing it over: the command, the
// configuration it names, and whether --daemon or --no-daemon was given. Only the words before
// `--` count (after it comes the command of `halite run`); `--config` is the one option before the
// command that takes a value.

type DaemonMode = 'auto' | 'always' | 'never';

export interface CommandLine {
  /** The first word that is not an option (undefined: none). */
  command?: string;
  /** `--config FILE` or `--config=FILE`, wherever it stands. */
  config?: string;
  /** `--daemon`: through a daemon or not at all; `--no-daemon`: never; else through one when it answers. */
  mode: DaemonMode;
  /** `--help`, `-h`, `--version` or `-V`: answered by the command itself. */
  informational: boolean;
}

export function readCommandLine(argv: readonly string[]): CommandLine {
  const end = argv.indexOf('--');
  const words = end < 0 ? argv : argv.slice(0, end);
  const line: CommandLine = { mode: 'auto', informational: false };
  for (let i = 0; i < words.length; i++) {
    const w = words[i];
    if (w === '--config') line.config = words[++i];
    else if (w.startsWith('--config=')) line.config = w.slice('--config='.length);
    else if (w === '--daemon') line.mode = 'always';
    else if (w === '--no-daemon') line.mode = 'never';
    else if (w === '--help' || w === '-h' || w === '--version' || w === '-V') line.informational = true;
    else if (!w.startsWith('-') && line.command === undefined) line.command = w;
  }
  return line;
}
