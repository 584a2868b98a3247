// An API over the in-process job tree (../jobs/job-tree.ts) with a token, for app.inject() tests.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Api, type ApiOptions, buildApi } from '../../../master/api/app.ts';
import { TokenStore } from '../../../master/api/tokens.ts';
import type { JobHooks } from '../../../master/commands/job.ts';
import { JobStore } from '../../../master/jobs/store.ts';
import { inProcessHosts } from '../in-process-hosts.ts';
import { writeJobTree } from '../jobs/job-tree.ts';

export interface Fixture extends Api {
  dir: string;
  token: string;
  store: JobStore;
  auth: { authorization: string };
  /** Each host run waits for this before it starts (released by default). */
  gate: { wait: Promise<void>; release(): void };
  close(): Promise<void>;
}

export function apiFixture(opts: Pick<ApiOptions, 'frontends'> = {}): Fixture {
  const dir = mkdtempSync(join(tmpdir(), 'halite-api-'));
  const config = writeJobTree(dir);
  const store = JobStore.open(join(dir, 'var', 'jobs.sqlite'));
  const token = new TokenStore(store.db).create('deploy-bot');
  const inner = inProcessHosts(join(dir, 'hosts')).hooks.job!;
  let release!: () => void;
  const gate = { wait: new Promise<void>((r) => (release = r)), release: () => release() };
  gate.release();
  const jobHooks: JobHooks = {
    tty: false,
    runner: async (env) => {
      const run = await inner.runner!(env);
      return async (host, opts) => {
        await gate.wait;
        return run(host, opts);
      };
    },
  };
  const api = buildApi({ store, configFile: config, env: {}, cwd: dir, jobHooks, ...opts });
  return {
    ...api,
    dir,
    token,
    store,
    auth: { authorization: `Bearer ${token}` },
    gate,
    close: async () => {
      await api.app.close();
      await api.context.launcher.idle();
      store.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** A closed gate: host runs wait until `release()`. */
export function closeGate(f: Fixture): void {
  let release!: () => void;
  f.gate.wait = new Promise<void>((r) => (release = r));
  f.gate.release = () => release();
}
