// Commands outlive a killed agent unless someone ends them. Every command runs in a process group
// of its own (run.ts); this watchdog, one small /bin/sh per agent process in a session of its own,
// is told each group as it starts ("+PGID") and ends ("-PGID") over a pipe. When the pipe closes
// because the agent is gone — kill -9 included, which no handler in the agent can catch — it sends
// SIGTERM to the groups still running, and SIGKILL two seconds later to what is left. An agent
// that ends normally has no group left, and the watchdog just exits.
import { spawn, type ChildProcess } from 'node:child_process';

/** Seconds between SIGTERM and SIGKILL. */
const GRACE_SEC = 2;

export const WATCHDOG_SCRIPT = `trap '' HUP INT TERM PIPE
live=' '
while IFS= read -r l; do
  case $l in
    +*) live="$live\${l#+} " ;;
    -*) p=\${l#-}
        case $live in *" $p "*) live="\${live%% $p *} \${live#* $p }" ;; esac ;;
  esac
done
[ "$live" = ' ' ] && exit 0
for p in $live; do kill -TERM -"$p" 2>/dev/null; done
sleep ${GRACE_SEC}
for p in $live; do kill -KILL -"$p" 2>/dev/null; done
exit 0`;

let watchdog: ChildProcess | undefined;
let broken = false;

function started(): ChildProcess | undefined {
  if (watchdog || broken) return watchdog;
  try {
    const child = spawn('/bin/sh', ['-c', WATCHDOG_SCRIPT], { detached: true, stdio: ['pipe', 'ignore', 'ignore'] });
    child.on('error', () => void (broken = true));
    child.on('exit', () => {
      // it only exits when its pipe closed: never while this process lives, unless someone killed it
      if (watchdog === child) watchdog = undefined;
    });
    child.stdin?.on('error', () => undefined);
    // neither the watchdog nor its pipe keeps the agent alive
    child.unref();
    (child.stdin as unknown as { unref?: () => void } | null)?.unref?.();
    watchdog = child;
  } catch {
    broken = true;
  }
  return watchdog;
}

/**
 * Starts the watchdog if it is not running yet. Called before a command is spawned: were it started
 * only after, an agent killed while the watchdog was still starting would leave that command
 * unwatched. (What remains is the moment between the command's spawn and the write below.)
 */
export function ensureWatchdog(): void {
  started();
}

/** The group led by `pgid` has started: end it if this process dies first. */
export function watchGroup(pgid: number): void {
  started()?.stdin?.write(`+${pgid}\n`);
}

/** The group led by `pgid` has ended (or is no longer ours to end). */
export function releaseGroup(pgid: number): void {
  watchdog?.stdin?.write(`-${pgid}\n`);
}

/** The watchdog's pid (tests). */
export const watchdogPid = (): number | undefined => watchdog?.pid;
