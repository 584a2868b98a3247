// Helpers for the platform's fleet tests: highstates of the shipped state tree in JSON, what
// changed and what failed per host.
import type { Fleet } from '../fleet/index.ts';
import type { CliResult } from './workspace.ts';

export interface StateOutcome {
  result: boolean | null;
  changes: Record<string, unknown>;
  comment?: string;
}
export type HighstateDoc = Record<string, Record<string, StateOutcome> | string[]>;

export function parseHighstate(r: CliResult): HighstateDoc {
  try {
    return JSON.parse(r.out) as HighstateDoc;
  } catch {
    throw new Error(`not JSON (exit ${r.code}): ${r.out.slice(0, 2000)}\n${r.err.slice(-2000)}`);
  }
}

const states = (doc: HighstateDoc, host: string): [string, StateOutcome][] => {
  const h = doc[host];
  return h && !Array.isArray(h) ? Object.entries(h) : [];
};

/** State tags that changed something on the host. */
export const changedTags = (doc: HighstateDoc, host: string): string[] => states(doc, host).filter(([, v]) => Object.keys(v.changes ?? {}).length).map(([k]) => k);

/** `tag: comment` of every state that failed, over all hosts (errors of a host as given). */
export function failures(doc: HighstateDoc): string[] {
  const out: string[] = [];
  for (const [host, v] of Object.entries(doc)) {
    if (Array.isArray(v)) out.push(...v.map((e) => `${host}: ${e}`));
    else for (const [tag, s] of Object.entries(v)) if (s.result === false) out.push(`${host}: ${tag}: ${s.comment ?? ''}`);
  }
  return out;
}

/** Runs a shell script on a host; its stdout, or a rejection with its stderr. */
export async function sh(fleet: Fleet, host: string, script: string): Promise<string> {
  return (await fleet.exec(host, ['sh', '-c', script])).stdout;
}
