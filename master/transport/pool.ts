// Shared jump connections and the limit on hosts worked on at once.
// One connection per jump login, opened on first use, shared by every target behind it,
// closed after it has been idle a while, and opened again when it has dropped.
import pLimit, { type LimitFunction } from 'p-limit';
import type { Client } from 'ssh2';
import { type HostTarget, type Hop, hopKey } from './target.ts';

export interface JumpLease {
  client: Client;
  /** Gives the connection back; it is closed once idle for the pool's idle time. */
  release(): void;
}

interface Entry {
  client: Promise<Client>;
  users: number;
  idle?: NodeJS.Timeout;
  dead: boolean;
}

export class JumpPool {
  private readonly entries = new Map<string, Entry>();
  /** Connections opened so far (a measure of reuse). */
  opened = 0;

  constructor(
    private readonly open: (hop: Hop, forTarget: HostTarget) => Promise<Client>,
    /** Close a jump connection nobody has used for this long; 0 keeps it until close(). */
    private readonly idleMs: number,
  ) {}

  /** A live connection to `hop`, shared with concurrent callers; call `release` when done with it. */
  async acquire(hop: Hop, forTarget: HostTarget): Promise<JumpLease> {
    const key = hopKey(hop);
    let entry = this.entries.get(key);
    if (!entry || entry.dead) {
      const fresh: Entry = { client: this.open(hop, forTarget), users: 0, dead: false };
      this.opened++;
      entry = fresh;
      this.entries.set(key, fresh);
      const forget = (): void => {
        fresh.dead = true;
        if (this.entries.get(key) === fresh) this.entries.delete(key);
      };
      fresh.client.then(
        (c) => {
          c.on('close', forget);
          c.on('end', forget);
          c.on('error', forget);
        },
        forget, // a failed connect is not cached: the next caller tries again
      );
    }
    const e = entry;
    e.users++;
    if (e.idle) clearTimeout(e.idle);
    e.idle = undefined;
    let released = false;
    const release = (): void => {
      if (released) return;
      released = true;
      this.release(key, e);
    };
    try {
      return { client: await e.client, release };
    } catch (err) {
      release();
      throw err;
    }
  }

  private release(key: string, e: Entry): void {
    e.users = Math.max(0, e.users - 1);
    if (e.users > 0 || e.dead || this.idleMs <= 0) return;
    e.idle = setTimeout(() => {
      if (e.users > 0) return;
      e.dead = true;
      if (this.entries.get(key) === e) this.entries.delete(key);
      void e.client.then(
        (c) => c.end(),
        () => {},
      );
    }, this.idleMs);
    e.idle.unref();
  }

  /** Marks the connection to `hop` as unusable so the next acquire() opens a new one. */
  discard(hop: Hop): void {
    const key = hopKey(hop);
    const e = this.entries.get(key);
    if (!e) return;
    e.dead = true;
    this.entries.delete(key);
    void e.client.then(
      (c) => c.end(),
      () => {},
    );
  }

  /** Number of jump connections currently held. */
  get size(): number {
    return this.entries.size;
  }

  closeAll(): void {
    for (const [key, e] of this.entries) {
      if (e.idle) clearTimeout(e.idle);
      e.dead = true;
      this.entries.delete(key);
      void e.client.then(
        (c) => c.end(),
        () => {},
      );
    }
  }
}

export function limiter(concurrency: number): LimitFunction {
  return pLimit({ concurrency: Math.max(1, Math.floor(concurrency)), rejectOnClear: true });
}
