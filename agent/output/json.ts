// The JSON shape `salt-call --out json state.apply` prints, so tools that parse Salt keep working.
import type { StateResult } from '../protocol.ts';

export interface SaltJsonState {
  name: string;
  result: boolean | null;
  changes: Record<string, unknown>;
  comment: string;
  __run_num__: number;
  __id__: string;
  __sls__: string;
  start_time: string;
  duration: number;
  warnings?: string[];
}

/** `{host: {tag: {...}}}` for results, or `{host: [error strings]}` for a render/compile failure. */
export function saltJson(
  host: string,
  results: StateResult[] | string[],
): Record<string, Record<string, SaltJsonState> | string[]> {
  if (results.length && typeof results[0] === 'string') return { [host]: results as string[] };
  const states: Record<string, SaltJsonState> = {};
  for (const r of [...(results as StateResult[])].sort((a, b) => a.run_num - b.run_num)) {
    const s: SaltJsonState = {
      name: r.name,
      result: r.result,
      changes: r.changes,
      comment: r.comment,
      __run_num__: r.run_num,
      __id__: r.id,
      __sls__: r.sls,
      start_time: r.start_time,
      duration: Number(r.duration_ms.toFixed(3)),
    };
    if (r.warnings?.length) s.warnings = r.warnings;
    states[r.tag] = s;
  }
  return { [host]: states };
}
