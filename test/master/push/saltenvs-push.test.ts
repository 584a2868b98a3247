// Several saltenvs shipped to a host: the master's manifests of each environment (file_roots, first
// directory wins) reach the agent in the one job envelope, each file's contents once, and the agent
// compiles and applies the highstate of both environments, reading each SLS's `salt://` sources from
// the tree of the saltenv it came from (Salt: a state's files come from its SLS's __env__).
import t from 'tap';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { parseEvent } from '../../../agent/output/emit.ts';
import type { AgentEvent, JobEnvelope } from '../../../agent/protocol.ts';
import { serve } from '../../../agent/runtime/serve.ts';
import { LineReader } from '../../../agent/util/line-reader.ts';
import { openWorkspace } from '../../../master/config/workspace.ts';
import { buildEnvelope } from '../../../master/push/envelope.ts';
import { envManifests } from '../../../master/push/env-manifest.ts';
import { workspaceDir } from '../cli-workspace.ts';

const quiet = { debug: () => undefined, info: () => undefined, warn: () => undefined, error: () => undefined };

function workspace(t: { teardown(fn: () => void): void }): string {
  const dir = workspaceDir(t, 'saltenvs-push', {
    'halite.yaml': 'file_roots:\n  base: [states]\n  dev: [states-dev, states]\n',
    'roster.yaml': 'app1:\n  host: 10.0.0.1\n  level: staging\n',
    'pillar/top.sls': '{}\n',
    'states/top.sls': "base:\n  '*':\n    - motd\n",
    'states/motd.sls':
      'motd-{{ saltenv }}:\n  file.managed:\n    - name: {{ grains["out"] }}/motd-{{ saltenv }}\n    - source: salt://files/motd\n',
    'states/files/motd': 'base motd\n',
    'states-dev/top.sls': "dev:\n  '*':\n    - app\n",
    'states-dev/app.sls':
      'include:\n  - motd\nbase-motd:\n  file.managed:\n    - name: {{ grains["out"] }}/motd-from-base\n    - source: salt://files/motd?saltenv=base\n',
    'states-dev/files/motd': 'dev motd\n',
  });
  return dir;
}

interface Run {
  asked: string[];
  events: AgentEvent[];
  code: number;
}

async function push(dir: string, extra: { saltenv?: string } = {}): Promise<Run> {
  const ws = openWorkspace({ env: {}, cwd: dir });
  const m = envManifests(ws.envRoots!);
  const host = { ...ws.roster.hosts[0], grains: { out: dir } };
  const built = buildEnvelope({
    jid: '20261208000000000000',
    host,
    pillar: ws.pillar,
    manifest: m.envs.base,
    envs: m.envs,
    ...extra,
  });
  const env: JobEnvelope = built.envelope!;
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const run: Run = { asked: [], events: [], code: -1 };
  const lines = new LineReader(stdout);
  const reading = (async () => {
    for (let line = await lines.next(); line !== undefined; line = await lines.next()) {
      const msg = JSON.parse(line) as Record<string, unknown>;
      const ev = parseEvent(line);
      if (ev) run.events.push(ev);
      if (msg.type === 'hello') stdin.write(`${JSON.stringify({ type: 'job', ...env })}\n`);
      if (msg.type === 'need-files') {
        run.asked = msg.hashes as string[];
        const files = Object.fromEntries(run.asked.map((h) => [h, m.read(h)!.toString('base64')]));
        stdin.end(`${JSON.stringify({ type: 'files', files })}\n`);
      }
    }
  })();
  run.code = await serve({
    stdin,
    out: (l) => void stdout.write(l),
    log: quiet,
    casRoot: join(dir, 'cas'),
    lockFile: join(dir, 'agent.lock'),
    detectGrains: () => ({ id: 'detected', kernel: 'Linux' }),
  });
  stdout.end();
  await reading;
  return run;
}

t.test('a two-environment highstate: both top files, each SLS from its own saltenv', async (t) => {
  const dir = workspace(t);
  const first = await push(dir);
  t.equal(first.code, 0, JSON.stringify(first.events));
  // base: top, motd.sls, files/motd; dev adds top, app.sls and its own files/motd (motd.sls is shared)
  t.equal(first.asked.length, 6, 'each distinct content asked for once');
  t.equal(readFileSync(join(dir, 'motd-base'), 'utf8'), 'base motd\n');
  t.equal(readFileSync(join(dir, 'motd-dev'), 'utf8'), 'dev motd\n', "dev's motd SLS reads dev's salt://files/motd");
  t.equal(readFileSync(join(dir, 'motd-from-base'), 'utf8'), 'base motd\n', 'salt://…?saltenv=base reads base');
  const again = await push(dir);
  t.equal(again.code, 0);
  t.same(again.asked, [], 'unchanged files are not sent again');
});

t.test("saltenv=dev: only dev's top file section is applied", async (t) => {
  const dir = workspace(t);
  const r = await push(dir, { saltenv: 'dev' });
  t.equal(r.code, 0, JSON.stringify(r.events));
  const results = r.events.filter((e) => e.type === 'result');
  t.equal(results.length, 2);
  t.equal(readFileSync(join(dir, 'motd-dev'), 'utf8'), 'dev motd\n');
  t.throws(() => readFileSync(join(dir, 'motd-base')), 'base section not applied');
});
