// `halite-agent backups list [PATH]` and `halite-agent backups restore PATH ID`: the previous
// versions of files that states replaced or deleted, and putting one back.
import { parseArgs } from 'node:util';
import { listBackups, restoreBackup, type BackupEntry, type BackupOptions } from './backup.ts';
import { EXIT } from '../exit-codes.ts';

export const BACKUPS_USAGE = `usage: halite-agent backups list [PATH] [--json] [--dir DIR] [--root DIR]
       halite-agent backups restore PATH ID [--dir DIR] [--root DIR]`;

export interface BackupsIo {
  out(text: string): void;
  err(text: string): void;
}

function table(entries: BackupEntry[]): string {
  if (!entries.length) return 'no backups\n';
  const rows = entries.map((e) => [e.path, e.id, e.time.toISOString(), String(e.size)]);
  const head = ['PATH', 'ID', 'TIME', 'BYTES'];
  const width = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const fmt = (r: string[]): string => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(width[i]))).join('  ');
  return [fmt(head), ...rows.map(fmt)].join('\n') + '\n';
}

export async function backupsCommand(argv: string[], io: BackupsIo): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        json: { type: 'boolean' },
        dir: { type: 'string' },
        root: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    io.err(`halite-agent backups: ${(e as Error).message}\n${BACKUPS_USAGE}\n`);
    return EXIT.USAGE;
  }
  const { values, positionals } = parsed;
  const [action, ...rest] = positionals;
  if (values.help) {
    io.out(`${BACKUPS_USAGE}\n`);
    return EXIT.OK;
  }
  const opts: BackupOptions = {};
  if (values.dir) opts.dir = values.dir;
  if (values.root) opts.root = values.root;
  try {
    if (action === 'list' && rest.length <= 1) {
      const entries = await listBackups(rest[0], opts);
      io.out(values.json ? `${JSON.stringify(entries.map(({ location: _l, ...e }) => e))}\n` : table(entries));
      return EXIT.OK;
    }
    if (action === 'restore' && rest.length === 2) {
      const entry = await restoreBackup(rest[0], rest[1], opts);
      io.out(`restored ${entry.path} from backup ${entry.id}\n`);
      return EXIT.OK;
    }
  } catch (e) {
    const message = (e as Error).message;
    io.err(`halite-agent backups: ${message}\n`);
    // Asking for a backup or path that does not exist is the operator's error, not the agent's.
    return /^(no backup|not an absolute)/.test(message) ? EXIT.USAGE : EXIT.INTERNAL;
  }
  io.err(`${BACKUPS_USAGE}\n`);
  return EXIT.USAGE;
}
