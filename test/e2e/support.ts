// Helpers for end-to-end tests on the namespace fleet: ship the agent bundle and a state tree
// into a host, and run the agent there.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Fleet } from '../fleet/index.ts';
import { agentBundle } from '../../master/push/bundle.ts';

export const REPO = fileURLToPath(new URL('../..', import.meta.url));
export const REMOTE = '/srv/halite';

/** Writes files (path → contents) under `dir` on the host, replacing what was there. */
export async function putFiles(
  fleet: Fleet,
  host: string,
  dir: string,
  files: Record<string, string | Buffer>,
): Promise<void> {
  for (const [rel, body] of Object.entries(files)) {
    const path = `${dir}/${rel}`;
    await fleet.exec(host, ['sh', '-c', 'mkdir -p "$(dirname "$1")" && cat > "$1"', 'put', path], { input: body });
  }
}

/** Copies directories of this repository (e.g. states, pillar) to REMOTE on the host. */
export async function putTree(fleet: Fleet, host: string, dirs: string[]): Promise<void> {
  const tar = execFileSync('tar', ['-C', REPO, '-cf', '-', ...dirs], { maxBuffer: 64 << 20 });
  await fleet.exec(
    host,
    [
      'sh',
      '-c',
      `rm -rf ${dirs.map((d) => `${REMOTE}/${d}`).join(' ')} && mkdir -p ${REMOTE} && tar -C ${REMOTE} -xf -`,
    ],
    { input: tar },
  );
}

/** Installs the agent bundle on the host as REMOTE/agent.cjs. */
export async function putAgent(fleet: Fleet, host: string): Promise<void> {
  const b = await agentBundle();
  await putFiles(fleet, host, REMOTE, { 'agent.cjs': b.code });
}

export interface AgentRun {
  code: number | null;
  stdout: string;
  stderr: string;
  json?: Record<
    string,
    Record<
      string,
      {
        result: boolean | null;
        changes: Record<string, unknown>;
        comment: string;
        __run_num__: number;
        __id__: string;
        name: string;
      }
    >
  >;
}

/** Runs `halite-agent apply --local` on the host with REMOTE's states and pillar. */
export async function applyLocal(fleet: Fleet, host: string, extra: string[] = []): Promise<AgentRun> {
  const argv = [
    'node',
    `${REMOTE}/agent.cjs`,
    'apply',
    '--local',
    '--states',
    `${REMOTE}/states`,
    '--pillar',
    `${REMOTE}/pillar`,
    '--id',
    host,
    '--grains',
    `${REMOTE}/grains.yaml`,
    '--out',
    'json',
    ...extra,
  ];
  const r = await fleet.exec(host, argv, { reject: false, timeoutMs: 300_000 });
  let json: AgentRun['json'];
  try {
    json = JSON.parse(r.stdout);
  } catch {
    json = undefined;
  }
  return { code: r.exitCode, stdout: r.stdout, stderr: r.stderr, json };
}

/** Results of one host keyed by tag, or throws with the agent's output when there are none. */
export function results(run: AgentRun, host: string): NonNullable<AgentRun['json']>[string] {
  const r = run.json?.[host];
  if (!r || Array.isArray(r))
    throw new Error(`agent gave no results (exit ${run.code}):\n${run.stdout}\n${run.stderr}`);
  return r;
}

export function changed(run: AgentRun, host: string): string[] {
  return Object.entries(results(run, host))
    .filter(([, v]) => Object.keys(v.changes ?? {}).length > 0)
    .map(([k]) => k)
    .sort();
}
