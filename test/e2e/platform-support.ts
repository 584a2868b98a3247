// Helpers for the platform's fleet tests: highstates of the shipped state tree in JSON, what
// changed and what failed per host.
import type { Test } from 'tap';
import { cpSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import type { Fleet } from '../fleet/index.ts';
import { REPO } from './support.ts';
import type { CliResult, FleetWorkspace } from './workspace.ts';

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

/**
 * The runs after a level's first highstate: the next one only adds, on the hosts that ran earlier
 * in that first job, the /etc/hosts entries of hosts that had not reported yet (`expectHosts(h)`,
 * when given, is exactly that list); the one after changes nothing at all.
 */
export async function convergesAfterNames(t: Test, highstate: () => Promise<CliResult>, hosts: string[], expectHosts?: (host: string) => string[]): Promise<void> {
  const second = parseHighstate(await highstate());
  t.same(failures(second), []);
  for (const h of hosts) {
    const changed = changedTags(second, h);
    t.same(changed.filter((tag) => !tag.startsWith('host_|-hosts-')), [], `${h}: nothing but /etc/hosts entries changed`);
    if (expectHosts) t.same(changed.sort(), expectHosts(h).map((o) => `host_|-hosts-${o}_|-${o}_|-present`), `${h}: the entries of the hosts it did not know`);
  }
  const third = parseHighstate(await highstate());
  t.same(failures(third), []);
  for (const h of hosts) t.same(changedTags(third, h), [], `${h}: no changes`);
}

/**
 * A configuration like the workspace's whose public pillar is a copy of the repository's in the
 * workspace, with each file's text passed through `edit[file]`. Returns the configuration's path.
 */
export function withPillar(ws: FleetWorkspace, name: string, edit: Record<string, (text: string) => string>): string {
  const pillar = join(ws.dir, `pillar-${name}`);
  cpSync(join(REPO, 'pillar'), pillar, { recursive: true });
  for (const [rel, fn] of Object.entries(edit)) writeFileSync(join(pillar, rel), fn(readFileSync(join(pillar, rel), 'utf8')));
  const config = join(ws.dir, `halite-${name}.yaml`);
  writeFileSync(config, stringify({ ...parse(readFileSync(ws.config, 'utf8')), pillar }));
  return config;
}
