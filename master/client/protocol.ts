// The wire format between the `halite` command line and a running daemon (`halite serve`) on the
// same machine: newline-delimited JSON over the daemon's unix socket (daemon-socket.ts), one job per
// connection. The client sends a `job` request: the command line as typed, with what the command
// would have read from its own process (environment, working directory, which streams are
// terminals). The daemon answers `accepted` and runs that command line as the command would have,
// sending back every write to stdout and stderr, asking its questions (`prompt`, answered by
// `answer`), and ends with `exit`; or it answers `refused` before running anything, and the client
// runs the command itself. The client passes its signals on (`signal`): SIGINT and SIGTERM do what
// they do to a command running by itself (commands/interrupt.ts).
import { StringDecoder } from 'node:string_decoder';

/** Changes whenever a message changes meaning; a daemon of another version is not used. */
export const DAEMON_PROTOCOL = 1;

/** The commands a daemon runs for the command line. */
export const DAEMON_COMMANDS: readonly string[] = ['highstate', 'sls', 'run'];

export interface JobRequest {
  type: 'job';
  v: number;
  /** The sources the client would run (a daemon of other code refuses, so the output is the client's). */
  stamp: string;
  /** The configuration file's real path (a daemon of another configuration refuses). */
  config: string;
  argv: string[];
  env: Record<string, string>;
  cwd: string;
  tty: { stdout: boolean; stderr: boolean };
  /** Questions may be asked (stdin and stderr are a terminal). */
  interactive: boolean;
}

export type ClientMessage =
  JobRequest | { type: 'signal'; signal: 'SIGINT' | 'SIGTERM' } | { type: 'answer'; text: string | null };

export type DaemonMessage =
  | { type: 'accepted'; jobs: number }
  | { type: 'refused'; reason: string }
  | { type: 'stdout'; text: string }
  | { type: 'stderr'; text: string }
  | { type: 'prompt'; question: string }
  | { type: 'exit'; code: number };

/** One message as a line. */
export const frame = (m: ClientMessage | DaemonMessage): string => JSON.stringify(m) + '\n';

/**
 * Splits a byte stream into lines, each parsed as a JSON object; a line that is not one, or longer
 * than `maxLine` characters, ends the stream with an error.
 */
export function lineReader<T>(
  onMessage: (m: T) => void,
  onError: (err: Error) => void,
  maxLine = Infinity,
): (chunk: Buffer) => void {
  const decoder = new StringDecoder('utf8');
  let buf = '';
  let failed = false;
  const fail = (why: string): void => {
    failed = true;
    onError(new Error(why));
  };
  return (chunk) => {
    if (failed) return;
    buf += decoder.write(chunk);
    for (let nl = buf.indexOf('\n'); nl >= 0 && !failed; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      let m: unknown;
      try {
        m = JSON.parse(line);
      } catch {
        m = undefined;
      }
      if (typeof m !== 'object' || m === null || typeof (m as { type?: unknown }).type !== 'string')
        return fail('not a message of the daemon protocol');
      onMessage(m as T);
    }
    if (buf.length > maxLine) fail(`a message longer than ${maxLine} characters`);
  };
}
