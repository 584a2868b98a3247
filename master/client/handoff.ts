// The command line's thin client: `halite highstate|sls|run` hands its command line to the daemon
// of its configuration when one runs (protocol.ts), prints what the daemon's run of it writes, passes
// Ctrl-C on, and exits with its code. Without a daemon (no socket, nobody listening, another build,
// a refusal), the command runs in this process as before; `--daemon` makes that an error (exit 69),
// `--no-daemon` skips the daemon. This file and those it imports stay small: loading it is what a
// command pays before it knows whether the master's code is needed at all.
import { type Socket, createConnection } from 'node:net';
import { locateConfig } from '../config/config-location.ts';
import { EXIT } from '../exit-codes.ts';
import { readCommandLine } from './command-line.ts';
import { configKey, daemonSocketPath } from './daemon-socket.ts';
import {
  DAEMON_COMMANDS,
  DAEMON_PROTOCOL,
  type DaemonMessage,
  type JobRequest,
  frame,
  lineReader,
} from './protocol.ts';

export interface ClientIo {
  stdout(text: string): void;
  stderr(text: string): void;
  env: NodeJS.ProcessEnv;
  cwd: string;
  tty: { stdout: boolean; stderr: boolean };
  interactive: boolean;
  prompt?(question: string): Promise<string | undefined>;
  /** Where SIGINT and SIGTERM are listened for while the daemon runs the job. */
  signals: {
    on(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
    removeListener(signal: 'SIGINT' | 'SIGTERM', listener: () => void): unknown;
  };
}

/** How long the daemon has to take or refuse the job once connected. */
const ANSWER_MS = 10_000;

/** Why the daemon was not used. */
class NoDaemon extends Error {}

function connect(path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const sock = createConnection(path);
    sock.once('connect', () => {
      sock.removeAllListeners('error');
      resolve(sock);
    });
    sock.once('error', (e: NodeJS.ErrnoException) =>
      reject(new NoDaemon(e.code === 'ENOENT' || e.code === 'ECONNREFUSED' ? 'no daemon is running' : e.message)),
    );
  });
}

function envStrings(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (typeof v === 'string') out[k] = v;
  return out;
}

/**
 * Runs the command line through the daemon and resolves to its exit code, or to undefined when the
 * command is to run in this process. `stamp` names the code this process would run.
 */
export async function handOff(argv: readonly string[], stamp: string, io: ClientIo): Promise<number | undefined> {
  const line = readCommandLine(argv);
  if (line.mode === 'never' || line.informational || !DAEMON_COMMANDS.includes(line.command ?? '')) return undefined;
  const config = configKey(locateConfig(line.config, io.env, io.cwd).path);
  try {
    const where = daemonSocketPath(config, io.env);
    if ('refused' in where) throw new NoDaemon(where.refused);
    const sock = await connect(where.path);
    return await converse(sock, { type: 'job', v: DAEMON_PROTOCOL, stamp, config, ...request(argv, io) }, io);
  } catch (err) {
    if (!(err instanceof NoDaemon)) throw err;
    if (line.mode === 'always') {
      io.stderr(`halite: --daemon: no daemon took the job for ${config}: ${err.message}\n`);
      return EXIT.DAEMON_UNAVAILABLE;
    }
    if (err.message !== 'no daemon is running') io.stderr(`halite: running here: ${err.message}\n`);
    return undefined;
  }
}

function request(
  argv: readonly string[],
  io: ClientIo,
): Pick<JobRequest, 'argv' | 'env' | 'cwd' | 'tty' | 'interactive'> {
  return { argv: [...argv], env: envStrings(io.env), cwd: io.cwd, tty: io.tty, interactive: io.interactive };
}

/** Sends the request, then follows the job: NoDaemon when it is refused before it starts. */
function converse(sock: Socket, req: JobRequest, io: ClientIo): Promise<number> {
  return new Promise<number>((resolve, reject) => {
    let accepted = false;
    let ended = false;
    const answerTimer = setTimeout(() => fail(new NoDaemon('the daemon did not answer')), ANSWER_MS);
    const send = (m: Parameters<typeof frame>[0]): void => {
      if (!sock.destroyed) sock.write(frame(m));
    };
    const onInt = (): void => send({ type: 'signal', signal: 'SIGINT' });
    const onTerm = (): void => send({ type: 'signal', signal: 'SIGTERM' });
    const finish = (): void => {
      ended = true;
      clearTimeout(answerTimer);
      io.signals.removeListener('SIGINT', onInt);
      io.signals.removeListener('SIGTERM', onTerm);
      sock.destroy();
    };
    const fail = (err: Error): void => {
      if (ended) return;
      finish();
      if (!accepted) return reject(err instanceof NoDaemon ? err : new NoDaemon(err.message));
      io.stderr(`halite: the daemon's connection was lost before the job ended (${err.message}); see halite jobs\n`);
      resolve(EXIT.INTERNAL);
    };
    const onMessage = (m: DaemonMessage): void => {
      if (ended) return;
      switch (m.type) {
        case 'accepted':
          accepted = true;
          clearTimeout(answerTimer);
          // from now on the job is the daemon's: Ctrl-C goes to it, as it would to the command
          io.signals.on('SIGINT', onInt);
          io.signals.on('SIGTERM', onTerm);
          return;
        case 'refused':
          return fail(new NoDaemon(m.reason));
        case 'stdout':
          return io.stdout(m.text);
        case 'stderr':
          return io.stderr(m.text);
        case 'prompt':
          void (io.prompt ? io.prompt(m.question) : Promise.resolve(undefined)).then(
            (text) => send({ type: 'answer', text: text ?? null }),
            () => send({ type: 'answer', text: null }),
          );
          return;
        case 'exit':
          finish();
          return resolve(m.code);
        default:
          return fail(new Error('unexpected message from the daemon'));
      }
    };
    sock.on('data', lineReader<DaemonMessage>(onMessage, fail));
    sock.on('error', fail);
    sock.on('close', () => fail(new Error('closed by the daemon')));
    send(req);
  });
}
