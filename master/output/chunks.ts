// Low chunks as printed by `halite show lowstate|sls`: one entry per chunk, fields in a fixed order.
import type { LowChunk } from '../../agent/protocol.ts';
import { type OutputFormat, serialize } from './format.ts';

const FIELD_ORDER: ReadonlyArray<keyof LowChunk> = [
  'tag',
  'state',
  'fun',
  'id',
  'name',
  'sls',
  'env',
  'file',
  'line',
  'order',
  'args',
  'meta',
  'requisites',
];

/** A chunk with its fields in FIELD_ORDER (then any others), undefined fields left out. */
export function chunkView(chunk: LowChunk): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of FIELD_ORDER) if (chunk[k] !== undefined) out[k] = chunk[k];
  for (const [k, v] of Object.entries(chunk)) if (!(k in out) && v !== undefined) out[k] = v;
  return out;
}

/** The chunks in the order given (execution order). */
export function formatChunks(chunks: readonly LowChunk[], format: OutputFormat): string {
  return serialize(chunks.map(chunkView), format);
}
