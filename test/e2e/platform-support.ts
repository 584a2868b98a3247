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
export const changedTags = (doc: HighstateDoc, host: string): string[] =>
  states(doc, host)
    .filter(([, v]) => Object.keys(v.changes ?? {}).length)
    .map(([k]) => k);

/** `tag: comment` of every state that failed, over all hosts (errors of a host as given). */
export function failures(doc: HighstateDoc): string[] {
  const out: string[] = [];
  for (const [host, v] of Object.entries(doc)) {
    if (Array.isArray(v)) out.push(...v.map((e) => `${host}: ${e}`));
    else
      for (const [tag, s] of Object.entries(v)) if (s.result === false) out.push(`${host}: ${tag}: ${s.comment ?? ''}`);
  }
  return out;
}

/** Runs a shell script on a host; its stdout, or a rejection with its stderr. */
export async function sh(fleet: Fleet, host: string, script: string): Promise<string> {
  return (await fleet.exec(host, ['sh', '-c', script])).stdout;
}

/**
 * The run after a level's first highstate changes nothing on any host: /etc/hosts named every host
 * of the level from the first run on (roster addresses until a host reports its own).
 */
export async function secondRunChangesNothing(
  t: Test,
  highstate: () => Promise<CliResult>,
  hosts: string[],
): Promise<void> {
  const second = parseHighstate(await highstate());
  t.same(failures(second), []);
  for (const h of hosts) t.same(changedTags(second, h), [], `${h}: no changes`);
}

/**
 * A configuration like the workspace's whose public pillar is a copy of the repository's in the
 * workspace, with each file's text passed through `edit[file]`. Returns the configuration's path.
 */
export function withPillar(ws: FleetWorkspace, name: string, edit: Record<string, (text: string) => string>): string {
  return withPillarCopy(ws, name, 'pillar', edit);
}

/** The same for the private pillar (`private_pillar`): a copy of the repository's, edited. */
export function withPrivatePillar(
  ws: FleetWorkspace,
  name: string,
  edit: Record<string, (text: string) => string>,
): string {
  return withPillarCopy(ws, name, 'private_pillar', edit);
}

const PILLAR_DIRS = { pillar: 'pillar', private_pillar: 'pillar-private' } as const;

function withPillarCopy(
  ws: FleetWorkspace,
  name: string,
  key: keyof typeof PILLAR_DIRS,
  edit: Record<string, (text: string) => string>,
): string {
  const dir = join(ws.dir, `${PILLAR_DIRS[key]}-${name}`);
  cpSync(join(REPO, PILLAR_DIRS[key]), dir, { recursive: true });
  for (const [rel, fn] of Object.entries(edit)) writeFileSync(join(dir, rel), fn(readFileSync(join(dir, rel), 'utf8')));
  const config = join(ws.dir, `halite-${name}.yaml`);
  writeFileSync(config, stringify({ ...parse(readFileSync(ws.config, 'utf8')), [key]: dir }));
  return config;
}
