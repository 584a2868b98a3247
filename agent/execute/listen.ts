// `listen`: after every chunk has run, each listening state whose listened states changed gets
// its mod_watch called once, reported under its own tag `state_|-listener_<id>_|-name_|-mod_watch`
// (Salt's call_listen).
import { makeTag, type LowChunk } from '../protocol.ts';

export interface Listener {
  /** The chunk whose mod_watch runs, renamed as Salt reports it. */
  chunk: LowChunk;
  /** The listening chunk, as compiled (its state function provides mod_watch). */
  source: LowChunk;
  /** Listened tags that changed. */
  changed: string[];
}

/** The listeners to fire, in chunk order, given which tags reported changes. */
export function listeners(chunks: readonly LowChunk[], changed: (tag: string) => boolean): Listener[] {
  const out: Listener[] = [];
  const seen = new Set<string>();
  for (const c of chunks) {
    const hit = (c.requisites.listen ?? []).filter(changed);
    if (!hit.length) continue;
    const id = `listener_${c.id}`;
    const tag = makeTag(c.state, id, c.name, 'mod_watch');
    if (seen.has(tag)) continue;
    seen.add(tag);
    out.push({ chunk: { ...c, id, tag, fun: 'mod_watch', requisites: {} }, source: c, changed: hit });
  }
  return out;
}
