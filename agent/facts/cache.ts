// Facts: what the host looks like, read through small readers (a file read, a syscall or a
// command) plus a pure parser. Values are cached for the run and invalidated by the
// states that change them. Path-keyed facts use the path (as states name it) as key.
import type { Runner } from '../process/run.ts';

export interface FactEnv {
  /** Filesystem root the paths live under ('/' on a host). */
  root: string;
  run: Runner;
}

export interface Fact<Raw, T> {
  readonly name: string;
  /** Reads the raw input for `key` from the host. */
  gather(key: string, env: FactEnv): Promise<Raw>;
  /** Pure: raw input → fact value. */
  parse(raw: Raw, key: string): T;
}

type AnyFact = Fact<unknown, unknown>;

function within(key: string, path: string): boolean {
  if (!key.startsWith('/') || !path.startsWith('/')) return false;
  const k = key.length > 1 ? key.replace(/\/+$/, '') : key;
  const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
  return k === p || k.startsWith(p === '/' ? '/' : `${p}/`) || p.startsWith(k === '/' ? '/' : `${k}/`);
}

export class FactCache {
  private readonly values = new Map<string, Promise<unknown>>();

  constructor(readonly env: FactEnv) {}

  private slot(name: string, key: string): string {
    return `${name}\u0000${key}`;
  }

  /** The fact's value for key, gathered once per run (concurrent callers share the read). */
  get<Raw, T>(fact: Fact<Raw, T>, key: string): Promise<T> {
    const slot = this.slot(fact.name, key);
    let v = this.values.get(slot) as Promise<T> | undefined;
    if (!v) {
      v = fact.gather(key, this.env).then((raw) => fact.parse(raw, key));
      v.catch(() => this.values.delete(slot));
      this.values.set(slot, v);
    }
    return v;
  }

  /** Seeds a value (tests, or a state that knows the new value). */
  set<T>(fact: Fact<unknown, T>, key: string, value: T): void {
    this.values.set(this.slot(fact.name, key), Promise.resolve(value));
  }

  /** Forgets one fact (all keys, or one key). */
  invalidate(fact: string | AnyFact, key?: string): void {
    const name = typeof fact === 'string' ? fact : fact.name;
    for (const slot of [...this.values.keys()]) {
      const [n, k] = slot.split('\u0000');
      if (n === name && (key === undefined || k === key)) this.values.delete(slot);
    }
  }

  /** Forgets every path-keyed fact about `path`, what lies under it and its parent directories. */
  invalidatePath(path: string): void {
    for (const slot of [...this.values.keys()]) {
      const k = slot.split('\u0000')[1];
      if (within(k, path)) this.values.delete(slot);
    }
  }

  clear(): void {
    this.values.clear();
  }
}
