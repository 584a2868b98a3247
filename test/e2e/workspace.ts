// End-to-end test workspaces on a running test fleet: the fleet's configuration (written by
// test/fleet/halite-config.ts, which the demo uses too: it must not depend on the test framework)
// in a temporary directory, state-tree variants, the command line in-process, and a fleet per
// test file.
import t from 'tap';
import { cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { parse, stringify } from 'yaml';
import { writeFleetConfig, type FleetWorkspace } from '../fleet/halite-config.ts';
import { up, type Fleet, type HostSpec } from '../fleet/index.ts';
import { main } from '../../master/cli.ts';
import { REPO } from './support.ts';

export type { FleetWorkspace };

/** A workspace for the fleet in a fresh temporary directory (see test/fleet/halite-config.ts). */
export function fleetWorkspace(
  fleet: Fleet,
  dir = mkdtempSync(join(tmpdir(), `halite-${fleet.name}-`)),
): FleetWorkspace {
  const ws = writeFleetConfig(fleet, dir);
  mkdirSync(ws.runtimeDir, { recursive: true, mode: 0o700 });
  return ws;
}

/**
 * A configuration like the workspace's whose state tree is a copy of the repository's states in
 * the workspace, with `files` (tree-relative path → contents) added or replaced. The repository's
 * own states are left as they are. Returns the path of the configuration file.
 */
export function withStates(ws: FleetWorkspace, name: string, files: Record<string, string>): string {
  const states = join(ws.dir, `states-${name}`);
  rmSync(states, { recursive: true, force: true });
  cpSync(join(REPO, 'states'), states, { recursive: true });
  for (const [rel, body] of Object.entries(files)) {
    mkdirSync(dirname(join(states, rel)), { recursive: true });
    writeFileSync(join(states, rel), body);
  }
  const config = join(ws.dir, `halite-${name}.yaml`);
  writeFileSync(config, stringify({ ...parse(readFileSync(ws.config, 'utf8')), states }));
  return config;
}

export interface CliResult {
  code: number;
  out: string;
  err: string;
}

/** Runs the `halite` command line in-process against the workspace's configuration. */
export function cliFor(ws: FleetWorkspace, config = ws.config): (...args: string[]) => Promise<CliResult> {
  return async (...args) => {
    const io = {
      out: '',
      err: '',
      env: { USER: 'e2e', HALITE_RUNTIME_DIR: ws.runtimeDir },
      cwd: ws.dir,
      stdout: (s: string) => void (io.out += s),
      stderr: (s: string) => void (io.err += s),
    };
    const code = await main(['--config', config, ...args], io);
    return { code, out: io.out, err: io.err };
  };
}

export interface FleetSuite {
  readonly fleet: Fleet;
  readonly ws: FleetWorkspace;
  /** The command line against the suite's workspace. */
  halite(...args: string[]): Promise<CliResult>;
}

/**
 * A fleet for one test file: skipped without root, brought up before the tests (then `prepare`),
 * taken down after them with its workspace.
 */
export function fleetSuite(name: string, hosts: HostSpec[], prepare?: (s: FleetSuite) => Promise<void>): FleetSuite {
  if (process.getuid?.() !== 0) {
    t.plan(0, 'the test fleet needs root (network namespaces, overlay mounts)');
    process.exit(0);
  }
  let fleet: Fleet | undefined;
  let ws: FleetWorkspace | undefined;
  const suite: FleetSuite = {
    get fleet() {
      if (!fleet) throw new Error('the fleet is not up yet');
      return fleet;
    },
    get ws() {
      if (!ws) throw new Error('the fleet is not up yet');
      return ws;
    },
    halite: (...args) => cliFor(suite.ws)(...args),
  };
  t.before(async () => {
    fleet = await up({ name, replace: true, hosts });
    ws = fleetWorkspace(fleet);
    await prepare?.(suite);
  });
  t.teardown(async () => {
    await fleet?.down();
    // the connection keeper may still be writing in the workspace's runtime directory
    if (ws) rmSync(ws.dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
  });
  return suite;
}
