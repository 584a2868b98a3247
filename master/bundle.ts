// The agent as one self-contained file for the VMs: bundled with esbuild for Debian 12's Node 18,
// named by its sha256 so a VM keeps one copy per version and receives it only when it changed.
import { build } from 'esbuild';
import { createHash } from 'node:crypto';
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

const defaultEntry = fileURLToPath(new URL('../agent/entry.ts', import.meta.url));
const cache = new Map<string, Promise<AgentBundle>>();

async function bundle(entry: string): Promise<AgentBundle> {
  const result = await build({
    entryPoints: [entry],
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: AGENT_NODE_TARGET,
    minify: true,
    legalComments: 'none',
    write: false,
    logLevel: 'silent',
    // nunjucks' file watcher is optional and never used by the agent.
    external: ['chokidar', 'fsevents'],
    define: { 'process.env.HALITE_AGENT_BUNDLE': '"1"' },
  });
  const code = Buffer.from(result.outputFiles[0].contents);
  const sha256 = createHash('sha256').update(code).digest('hex');
  return { code, sha256, fileName: `agent-${sha256}.cjs` };
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
