// PLACEHOLDER (no requisite resolution) — replaced by the requisite resolver and graph ordering.
import type { LowChunk } from '../protocol.ts';
import type { ErrorData } from '../errors.ts';
import type { DraftChunk } from './types.ts';

export interface ResolveResult {
  /** Chunks in execution order with requisites resolved to tags. */
  chunks: LowChunk[];
  errors: ErrorData[];
}

export function resolveRequisites(drafts: DraftChunk[]): ResolveResult {
  const sorted = [...drafts].sort((a, b) => a.order - b.order || a.index - b.index);
  return { chunks: sorted.map(({ raw: _raw, index: _index, ...c }) => ({ ...c, requisites: {} })), errors: [] };
}
