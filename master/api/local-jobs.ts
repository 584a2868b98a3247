// The daemon's side of the command line's thin client (client/protocol.ts): a unix socket, in a
// directory only the daemon's user may enter, on which `halite highstate|sls|run` hands over its
// command line. The daemon runs that command line as the command would have run it — the same
// parsing, planning, output and exit code, with the caller's environment, working directory and
// terminals — over its held SSH connections, writing everything back to the caller. The caller's
// Ctrl-C reaches the job as the command's own signals would; a caller that goes away stops the job
// as SIGTERM does (no further host starts, running hosts finish their current state).
import { EventEmitter } from 'node:events';
import { chmodSync, rmSync } from 'node:fs';
import { type Server, type Socket, createConnection, createServer } from 'node:net';
import type { CliIo } from '../output/cli-io.ts';
import type { SignalSource } from '../commands/interrupt.ts';
import { EXIT } from '../exit-codes.ts';
import {
  type ClientMessage,
  DAEMON_COMMANDS,
  DAEMON_PROTOCOL,
  type DaemonMessage,
  type JobRequest,
  frame,
  lineReader,
} from '../client/protocol.ts';
import { readCommandLine } from '../client/command-line.ts';

/** Runs a command line for a caller: `signals` is where its SIGINT and SIGTERM arrive. */
type RunCommandLine = (argv: string[], io: CliIo, signals: SignalSource) => Promise<number>;

export interface LocalJobsOptions {
  socket: string;
  /** The real path of the daemon's configuration file: a request for another is refused. */
  config: string;
  /** The daemon's code (bin/fresh-bundle.js's stamp): a caller that would run other code is refused. */
  stamp: string;
  run: RunCommandLine;
  log(message: string): void;
}

/** A request line is the command line and the environment: nothing near this long. */
const MAX_MESSAGE = 1 << 20;

const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((s) => typeof s === 'string');

function validRequest(m: ClientMessage): m is JobRequest {
  if (m.type !== 'job') return false;
  const r = m as Partial<JobRequest>;
  return (
    typeof r.stamp === 'string' &&
    typeof r.config === 'string' &&
    strings(r.argv) &&
    typeof r.cwd === 'string' &&
    typeof r.env === 'object' &&
    r.env !== null &&
    Object.values(r.env).every((v) => typeof v === 'string') &&
    typeof r.tty?.stdout === 'boolean' &&
    typeof r.tty.stderr === 'boolean' &&
    typeof r.interactive === 'boolean'
  );
}

/** Whether something answers on the unix socket `path`. */
function answers(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createConnection(path);
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export class LocalJobs {
  private server: Server | undefined;
  private closing = false;
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly opts: LocalJobsOptions) {}

  /** Jobs of the command line running now. */
  get size(): number {
    return this.running.size;
  }

  /**
   * Listens on the socket; false (and says why) when another daemon of this configuration answers
   * there already. A socket left by a daemon that died is replaced.
   */
  async listen(): Promise<boolean> {
    const { socket, log } = this.opts;
    if (await answers(socket)) {
      log(`command-line jobs: another daemon answers on ${socket}; this one takes none`);
      return false;
    }
    rmSync(socket, { force: true });
    const server = createServer((sock) => this.accept(sock));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(socket, () => {
        server.removeListener('error', reject);
        resolve();
      });
    });
    chmodSync(socket, 0o600);
    this.server = server;
    return true;
  }

  /** Takes no more jobs and resolves once the running ones have ended. */
  async close(): Promise<void> {
    this.closing = true;
    const server = this.server;
    this.server = undefined;
    if (server) {
      await new Promise<void>((resolve) => server.close(() => resolve()));
      rmSync(this.opts.socket, { force: true });
    }
    while (this.running.size) await Promise.all([...this.running]);
  }

  private accept(sock: Socket): void {
    let started = false;
    let done = false;
    const send = (m: DaemonMessage): void => {
      if (!sock.destroyed && sock.writable) sock.write(frame(m));
    };
    const signals = new EventEmitter();
    let answer: ((text: string | undefined) => void) | undefined;
    const onMessage = (m: ClientMessage): void => {
      if (!started) {
        started = true;
        return this.start(
          m,
          sock,
          send,
          signals,
          (resolve) => (answer = resolve),
          () => (done = true),
        );
      }
      if (m.type === 'signal' && (m.signal === 'SIGINT' || m.signal === 'SIGTERM')) signals.emit(m.signal);
      else if (m.type === 'answer' && answer) {
        const a = answer;
        answer = undefined;
        a(typeof m.text === 'string' ? m.text : undefined);
      }
    };
    sock.on(
      'data',
      lineReader<ClientMessage>(onMessage, () => sock.destroy(), MAX_MESSAGE),
    );
    sock.on('error', () => undefined);
    sock.once('close', () => {
      if (!started || done) return;
      // the caller is gone: the job stops as after SIGTERM, a question goes unanswered
      this.opts.log('command-line job: its caller went away; stopping it as after SIGTERM');
      signals.emit('SIGTERM');
      answer?.(undefined);
    });
  }

  private start(
    m: ClientMessage,
    sock: Socket,
    send: (m: DaemonMessage) => void,
    signals: EventEmitter,
    onAnswer: (resolve: (text: string | undefined) => void) => void,
    onDone: () => void,
  ): void {
    const refuse = (reason: string): void => {
      onDone();
      send({ type: 'refused', reason });
      sock.end();
    };
    if (!validRequest(m)) return refuse('not a job request of this daemon');
    if (m.v !== DAEMON_PROTOCOL) return refuse(`the daemon speaks protocol ${DAEMON_PROTOCOL}, not ${m.v}`);
    if (this.closing) return refuse('the daemon is stopping');
    if (m.stamp !== this.opts.stamp)
      return refuse('the daemon runs other code than this command (restart halite serve to use it)');
    if (m.config !== this.opts.config) return refuse(`the daemon serves ${this.opts.config}, not ${m.config}`);
    const line = readCommandLine(m.argv);
    if (!DAEMON_COMMANDS.includes(line.command ?? '') || line.informational)
      return refuse(`the daemon runs ${DAEMON_COMMANDS.join(', ')} only`);
    send({ type: 'accepted', jobs: this.running.size });
    const io: CliIo = {
      stdout: (text) => send({ type: 'stdout', text }),
      stderr: (text) => send({ type: 'stderr', text }),
      env: m.env,
      cwd: m.cwd,
      tty: m.tty,
      interactive: m.interactive,
      prompt: (question) =>
        new Promise((resolve) => {
          if (sock.destroyed) return resolve(undefined);
          onAnswer(resolve);
          send({ type: 'prompt', question });
        }),
    };
    const job = this.opts
      .run(m.argv, io, signals)
      .catch((err: unknown) => {
        this.opts.log(`command-line job: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
        io.stderr(`halite: internal error in the daemon: ${err instanceof Error ? err.message : String(err)}\n`);
        return EXIT.INTERNAL;
      })
      .then((code) => {
        onDone();
        send({ type: 'exit', code });
        sock.end();
      })
      .finally(() => this.running.delete(job));
    this.running.add(job);
  }
}
