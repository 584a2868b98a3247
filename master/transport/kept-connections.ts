// Open SSH connections kept for reuse, one per key (a target reached a given way): a connection is
// opened on first use, forgotten when it closes, and replaced once when a kept one turns out stale
// (it cannot start a command). The connection keeper (mux-server.ts) and the daemon's transport
// (held-transport.ts) keep theirs here.
import type { HostConnection } from './connection.ts';
import { TransportError } from './errors.ts';

export class KeptConnections {
  private readonly conns = new Map<string, Promise<HostConnection>>();
  /** Host connections opened so far (a measure of reuse). */
  opened = 0;

  /** The kept connection under `key` (opened with `open` when there is none); `fresh` when opened by this call. */
  private connection(
    key: string,
    open: () => Promise<HostConnection>,
  ): { conn: Promise<HostConnection>; fresh: boolean } {
    const kept = this.conns.get(key);
    if (kept) return { conn: kept, fresh: false };
    const conn = open();
    this.opened++;
    this.conns.set(key, conn);
    const forget = (): void => {
      if (this.conns.get(key) === conn) this.conns.delete(key);
    };
    conn.then((c) => {
      c.client.once('close', forget);
      c.client.once('end', forget);
      c.client.on('error', forget);
    }, forget);
    return { conn, fresh: true };
  }

  /** Runs `fn` on the kept connection; a stale kept connection that cannot start a command is replaced once. */
  async use<T>(key: string, open: () => Promise<HostConnection>, fn: (c: HostConnection) => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      const { conn, fresh } = this.connection(key, open);
      const c = await conn;
      try {
        return await fn(c);
      } catch (err) {
        if (fresh || attempt > 0 || !(err instanceof TransportError) || !err.notStarted) throw err;
        if (this.conns.get(key) === conn) this.conns.delete(key);
        c.close();
      }
    }
  }

  /** Connections held now. */
  get size(): number {
    return this.conns.size;
  }

  closeAll(): void {
    for (const c of this.conns.values())
      void c.then(
        (conn) => conn.close(),
        () => undefined,
      );
    this.conns.clear();
  }
}
