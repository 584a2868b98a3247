// The daemon's transport: one SSH connection per host, opened by the first job that needs it and
// kept for the daemon's lifetime (replaced when it drops), so that every scheduled or API job after
// the first reaches its hosts without a handshake. Host keys are checked as by any transport.
import type { LimitFunction } from 'p-limit';
import type { HostConnection } from './connection.ts';
import type { ExecOptions, ExecResult } from './exec.ts';
import { KeptConnections } from './kept-connections.ts';
import { limiter } from './pool.ts';
import type { RemoteCommand } from './quote.ts';
import { type HostTarget, connectionKey } from './target.ts';
import type { HostOutcome, Transport } from './transport.ts';

export class HeldTransport {
  private readonly conns = new KeptConnections();
  private readonly limit: LimitFunction;
  private closed = false;

  /** `transport` opens the connections (its jump connections are kept as long: idleMs 0). */
  constructor(
    private readonly transport: Transport,
    concurrency: number,
  ) {
    this.limit = limiter(concurrency);
  }

  /** Host connections opened so far, and held now. */
  get stats(): { opened: number; open: number } {
    return { opened: this.conns.opened, open: this.conns.size };
  }

  private on<T>(target: HostTarget, fn: (c: HostConnection) => Promise<T>): Promise<T> {
    if (this.closed) return Promise.reject(new Error('the transport is closed'));
    // the id names the host in errors; the connection is the same for any id reaching the same place
    return this.conns.use(connectionKey(target), () => this.transport.connect(target), fn);
  }

  /** Opens the targets' connections while the job is prepared (a failure is reported when the job uses the host). */
  warm(targets: readonly HostTarget[]): void {
    for (const t of targets) void this.limit(() => this.on(t, async () => undefined)).catch(() => undefined);
  }

  exec(target: HostTarget, command: RemoteCommand, opts: ExecOptions = {}): Promise<ExecResult> {
    return this.limit(() => this.on(target, (c) => c.exec(command, opts)));
  }

  socketOrExec(
    target: HostTarget,
    socket: string,
    command: RemoteCommand,
    opts: ExecOptions = {},
  ): Promise<ExecResult & { via: 'socket' | 'exec' }> {
    return this.limit(() =>
      this.on(target, async (c) => {
        const viaSocket = await c.socket(socket, opts);
        if (viaSocket) return { ...viaSocket, via: 'socket' as const };
        return { ...(await c.exec(command, opts)), via: 'exec' as const };
      }),
    );
  }

  /** Runs `fn` for every target on its held connection; a host that fails does not stop the others. */
  runAll<T>(targets: readonly HostTarget[], fn: (conn: HostConnection) => Promise<T>): Promise<HostOutcome<T>[]> {
    return Promise.all(
      targets.map((target) =>
        this.limit(() => this.on(target, fn)).then(
          (value): HostOutcome<T> => ({ target, ok: true, value }),
          (error: unknown): HostOutcome<T> => ({
            target,
            ok: false,
            error: error instanceof Error ? error : new Error(String(error)),
          }),
        ),
      ),
    );
  }

  /** Closes every kept connection (the daemon is stopping). */
  close(): void {
    this.closed = true;
    this.limit.clearQueue();
    this.conns.closeAll();
    this.transport.close();
  }
}
