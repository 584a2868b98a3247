// The master command line and the agent as two self-contained files in dist/, so `halite` starts
// without compiling TypeScript and never bundles the agent at run time.
//
//   dist/halite.mjs  the master (ESM, Node 20); native and optional packages stay in node_modules
//   dist/agent.cjs   the agent shipped to the VMs (CommonJS, Node 18)
//   dist/client.mjs  the thin client `halite` loads first, to hand a job to a running daemon
//                    (master/client/): node's built-ins only, so it loads in a few milliseconds
//
// bin/fresh-bundle.js builds them whenever the sources changed (and `npm run build` forces it); the
// master bundle's first line is the stamp of the sources it was made from.
import { build } from 'esbuild';
import { mkdirSync, renameSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { agentBuildOptions } from '../push/bundle.ts';

const dist = fileURLToPath(new URL('../../dist', import.meta.url));
const cli = fileURLToPath(new URL('../cli.ts', import.meta.url));
const clientEntry = fileURLToPath(new URL('../client/entry.ts', import.meta.url));

/** Packages loaded from node_modules at run time: native addons, optional parts, lazily used servers. */
export const MASTER_EXTERNALS = [
  'better-sqlite3',
  'ssh2',
  'cpu-features',
  'esbuild',
  'fastify',
  'chokidar',
  'fsevents',
  'tsx',
];

/** Builds the bundles into `outDir`, each written beside its place and renamed into it. */
export async function buildDist(
  outDir = dist,
  opts: { stamp?: string } = {},
): Promise<{ master: string; agent: string; client: string }> {
  mkdirSync(outDir, { recursive: true });
  const agent = `${outDir}/agent.cjs`;
  const master = `${outDir}/halite.mjs`;
  const client = `${outDir}/client.mjs`;
  const tmp = (file: string): string => `${file}.${process.pid}.tmp`;
  try {
    // the master last: its first line says which sources every bundle beside it was built from
    await build({ ...nodeEsm(clientEntry, tmp(client)), external: [] });
    renameSync(tmp(client), client);
    return { ...(await buildBoth(agent, master, tmp, opts.stamp)), client };
  } finally {
    for (const f of [agent, master, client]) rmSync(tmp(f), { force: true });
  }
}

/** esbuild's options for an ES module bundle of the master side. */
function nodeEsm(entry: string, outfile: string) {
  return {
    entryPoints: [entry],
    bundle: true,
    platform: 'node' as const,
    format: 'esm' as const,
    target: 'node20',
    outfile,
    write: true,
    logLevel: 'silent' as const,
    legalComments: 'none' as const,
  };
}

async function buildBoth(
  agent: string,
  master: string,
  tmp: (file: string) => string,
  stamp?: string,
): Promise<{ master: string; agent: string }> {
  // The agent first: a master bundle is only ever newer than the agent beside it.
  await build({ ...agentBuildOptions(), outfile: tmp(agent), write: true });
  renameSync(tmp(agent), agent);
  await build({
    ...nodeEsm(cli, tmp(master)),
    external: MASTER_EXTERNALS,
    define: { 'process.env.HALITE_MASTER_BUNDLE': '"1"' },
    // CommonJS dependencies inside an ES module bundle still call require() for Node's built-ins.
    banner: {
      js: `${stamp ? `// halite-sources: ${stamp}\n` : ''}import { createRequire as __haliteRequire } from 'node:module'; const require = __haliteRequire(import.meta.url);`,
    },
  });
  renameSync(tmp(master), master);
  return { master, agent };
}
