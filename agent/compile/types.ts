// Intermediate compiler data: chunks before their requisites are resolved.
import type { LowChunk } from '../protocol.ts';

/**
 * A requisite as declared in SLS, before resolution.
 * kind: any requisite keyword as written (require, watch_in, require_any, onfail_all, use, listen_in…).
 * state: the module named in the reference (`pkg`), `sls` for `sls: name`, or `id` for a bare
 *   string reference (`- require: [foo]` refers to an ID or name in any module).
 * ref: the ID or name (or SLS name) referred to; may be a glob for `sls:` and module references.
 */
export interface RawRequisite {
  kind: string;
  state: string;
  ref: string;
}

/** A chunk as produced from high data: everything of LowChunk but its resolved requisites. */
export interface DraftChunk extends Omit<LowChunk, 'requisites'> {
  raw: RawRequisite[];
  /** Declaration index across the whole highstate (for stable, deterministic ordering). */
  index: number;
}
