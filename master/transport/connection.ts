// An authenticated SSH connection to one host: commands (through sudo when the host asks for it)
// and interactive shells.
import type { Client, ClientChannel, PseudoTtyOptions } from 'ssh2';
import { TransportError } from './errors.ts';
import { type ExecOptions, type ExecResult, execOn, socketOn } from './exec.ts';
import { type RemoteCommand, commandLine } from './quote.ts';
import { type HostTarget, hopLabel } from './target.ts';

export interface ShellOptions {
  /** Allocate a terminal (default true); `true` uses xterm-256color at 80x24. */
  pty?: boolean | PseudoTtyOptions;
}

/** An authenticated connection to one host; close() it when done. */
export class HostConnection {
  private closed = false;

  constructor(
    readonly target: HostTarget,
    readonly client: Client,
  ) {}

  /** Whether commands go through `sudo -n` (asked for, and not logged in as root). */
  private get sudo(): boolean {
    return Boolean(this.target.sudo) && this.target.user !== 'root';
  }

  /** Runs one command: an argv array (quoted here) or a shell line; through `sudo -n` when the target asks for it. */
  exec(command: RemoteCommand, opts: ExecOptions = {}): Promise<ExecResult> {
    return execOn(
      this.client,
      command,
      { name: hopLabel(this.target), hop: hopLabel(this.target), sudo: this.sudo },
      opts,
    ).catch((err: unknown) => {
      throw err instanceof TransportError ? err.forHost(this.target.id) : err;
    });
  }

  /** An exchange with the unix socket `path` on the host; undefined when the host refuses it. */
  socket(path: string, opts: ExecOptions = {}): Promise<ExecResult | undefined> {
    return socketOn(this.client, path, { name: hopLabel(this.target), hop: hopLabel(this.target) }, opts).catch(
      (err: unknown) => {
        throw err instanceof TransportError ? err.forHost(this.target.id) : err;
      },
    );
  }

  /**
   * An interactive channel (with a pty unless `pty: false`): the login shell, or `command` (through
   * `sudo -n` when the target asks for it), the way `ssh -t host command` runs it.
   */
  shell(opts: ShellOptions = {}, command?: RemoteCommand): Promise<ClientChannel> {
    const pty = opts.pty ?? true;
    const what = command === undefined ? 'a shell' : 'a session';
    return new Promise((resolve, reject) => {
      const cb = (err: Error | undefined, ch: ClientChannel): void => {
        if (err)
          reject(
            new TransportError(
              {
                kind: 'connection',
                host: this.target.id,
                hop: hopLabel(this.target),
                message: `${hopLabel(this.target)}: cannot open ${what}: ${err.message}`,
              },
              { cause: err },
            ),
          );
        else resolve(ch);
      };
      const ptyOpts = pty === false ? false : pty === true ? { term: 'xterm-256color', cols: 80, rows: 24 } : pty;
      if (command === undefined) this.client.shell(ptyOpts, cb);
      else this.client.exec(commandLine(command, { sudo: this.sudo }), ptyOpts ? { pty: ptyOpts } : {}, cb);
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.client.end();
  }
}
