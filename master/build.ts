// `npm run build`: the master command line and the agent as two self-contained files in dist/,
// so `halite` starts without compiling TypeScript and never bundles the agent at run time.
//
//   dist/halite.mjs  the master (ESM, Node 20); native and optional packages stay in node_modules
//   dist/agent.cjs   the agent shipped to the VMs (CommonJS, Node 18)
//
// bin/halite.js uses dist/halite.mjs while it is newer than every source file.
import { build } from 'esbuild';
import { mkdirSync, renameSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { agentBuildOptions } from './bundle.ts';

const dist = fileURLToPath(new URL('../dist', import.meta.url));
const cli = fileURLToPath(new URL('./cli.ts', import.meta.url));

/** Packages loaded from node_modules at run time: native addons, optional parts, lazily used servers. */
export const MASTER_EXTERNALS = ['better-sqlite3', 'ssh2', 'cpu-features', 'esbuild', 'fastify', 'chokidar', 'fsevents', 'tsx'];

export async function buildDist(outDir = dist): Promise<{ master: string; agent: string }> {
  mkdirSync(outDir, { recursive: true });
  const agent = `${outDir}/agent.cjs`;
  const master = `${outDir}/halite.mjs`;
  // The agent first: a master bundle is only ever newer than the agent beside it.
  await build({ ...agentBuildOptions(), outfile: `${agent}.tmp`, write: true });
  renameSync(`${agent}.tmp`, agent);
  await build({
    entryPoints: [cli],
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    outfile: `${master}.tmp`,
    write: true,
    logLevel: 'silent',
    legalComments: 'none',
    external: MASTER_EXTERNALS,
    define: { 'process.env.HALITE_MASTER_BUNDLE': '"1"' },
    // CommonJS dependencies inside an ES module bundle still call require() for Node's built-ins.
    banner: { js: "import { createRequire as __haliteRequire } from 'node:module'; const require = __haliteRequire(import.meta.url);" },
  });
  renameSync(`${master}.tmp`, master);
  return { master, agent };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const out = await buildDist();
  process.stdout.write(`built ${out.master} and ${out.agent}\n`);
}
