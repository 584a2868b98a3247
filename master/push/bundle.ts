// The agent as one self-contained file for the VMs: bundled with esbuild for Debian 12's Node 18,
// named by its sha256 so a VM keeps one copy per version and receives it only when it changed.
import type { BuildOptions } from 'esbuild';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface AgentBundle {
  /** The bundle's code (CommonJS, runs with `node file.cjs`). */
  code: Buffer;
  sha256: string;
  /** File name on a VM: agent-<sha256>.cjs. */
  fileName: string;
}

/** The oldest Node the agent supports (Debian 12 ships 18). */
export const AGENT_NODE_TARGET = 'node18';

const defaultEntry = fileURLToPath(new URL('../../agent/entry.ts', import.meta.url));
const cache = new Map<string, Promise<AgentBundle>>();

/** esbuild options of the agent bundle (shared by the runtime build and `npm run build`). */
export function agentBuildOptions(entry = defaultEntry): BuildOptions {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: AGENT_NODE_TARGET,
    minify: true,
    legalComments: 'none',
    logLevel: 'silent',
    // nunjucks' file watcher is optional and never used by the agent.
    external: ['chokidar', 'fsevents'],
    define: { 'process.env.HALITE_AGENT_BUNDLE': '"1"' },
  };
}

function fromCode(code: Buffer): AgentBundle {
  const sha256 = createHash('sha256').update(code).digest('hex');
  return { code, sha256, fileName: `agent-${sha256}.cjs` };
}

async function bundle(entry: string): Promise<AgentBundle> {
  // The master's own bundle (`npm run build`) ships the agent built beside it.
  if (entry === defaultEntry && process.env.HALITE_MASTER_BUNDLE) {
    return fromCode(readFileSync(new URL('./agent.cjs', import.meta.url)));
  }
  const { build } = await import('esbuild');
  const result = await build({ ...agentBuildOptions(entry), write: false });
  return fromCode(Buffer.from(result.outputFiles[0].contents));
}

/** Builds (once per process) the bundle of the agent entry point. */
export function agentBundle(entry = defaultEntry): Promise<AgentBundle> {
  let p = cache.get(entry);
  if (!p) {
    p = bundle(entry);
    p.catch(() => cache.delete(entry));
    cache.set(entry, p);
  }
  return p;
}
