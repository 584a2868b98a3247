// The bootstrap line runs for real under /bin/sh: bundle transfer and checksum, need-node, quoting.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { bootstrapCommand, bootstrapScript, installNodeScript } from '../../../master/bootstrap.ts';
import { commandLine } from '../../../master/transport/quote.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-bootstrap-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

// A stand-in bundle that prints the arguments it was started with.
const bundle = Buffer.from('console.log(JSON.stringify(process.argv.slice(2)))\n');
const sha = createHash('sha256').update(bundle).digest('hex');

function run(script: string, input: Buffer | string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync('/bin/sh', ['-c', script], { input, env });
  return { code: r.status, stdout: r.stdout.toString(), stderr: r.stderr.toString() };
}

t.test('absent bundle: asks for it, verifies it, installs it, starts it with the serve arguments', async (t) => {
  const agentDir = join(dir, "it's a dir", 'agent $HOME');
  const args = ['--cas-root', "/tmp/x y/'q'", '--lock-file', '$(id)`id`;*'];
  const script = bootstrapScript({ sha256: sha, bytes: bundle.length, agentDir, serveArgs: args });
  const first = run(script, bundle);
  t.equal(first.code, 0, first.stderr);
  const lines = first.stdout.trim().split('\n');
  t.same(JSON.parse(lines[0]), { type: 'need-agent', bytes: bundle.length });
  t.same(JSON.parse(lines[1]), ['serve', ...args], 'serve arguments arrive unchanged');
  t.ok(existsSync(join(agentDir, `agent-${sha}.cjs`)), 'bundle stored under its sha256');
  t.same(readdirSync(agentDir).sort(), [`agent-${sha}.cjs`, `agent-${sha}.cjs.v8`], 'no temp file left; the code cache beside the bundle');

  const second = run(script, '');
  t.equal(second.code, 0, second.stderr);
  t.same(second.stdout.trim().split('\n').map((l) => JSON.parse(l)), [['serve', ...args]], 'present bundle: no need-agent');
});

t.test('reads exactly N bytes: what follows stays on stdin for the agent', async (t) => {
  const reader = Buffer.from("process.stdin.on('data',d=>process.stdout.write('rest:'+d))\n");
  const rsha = createHash('sha256').update(reader).digest('hex');
  const agentDir = join(dir, 'exact');
  const r = run(bootstrapScript({ sha256: rsha, bytes: reader.length, agentDir }), Buffer.concat([reader, Buffer.from('{"type":"job"}\n')]));
  t.equal(r.code, 0, r.stderr);
  t.match(r.stdout, /need-agent[^\n]*\nrest:\{"type":"job"\}\n$/);
});

t.test('a damaged bundle is refused and not installed', async (t) => {
  const agentDir = join(dir, 'damaged');
  const bad = Buffer.from(bundle);
  bad[0] ^= 1;
  const r = run(bootstrapScript({ sha256: sha, bytes: bundle.length, agentDir }), bad);
  t.equal(r.code, 1);
  t.match(r.stderr, /sha256 mismatch/);
  t.same(readdirSync(agentDir), [], 'neither the bundle nor the temp file remains');
});

t.test('no node, or a node older than 18: need-node and exit 127', async (t) => {
  const bin = join(dir, 'bin');
  mkdirSync(bin);
  for (const tool of ['sh', 'mkdir', 'mktemp', 'head', 'sha256sum', 'chmod', 'mv', 'rm', 'printf']) {
    const found = spawnSync('/bin/sh', ['-c', `command -v ${tool}`]).stdout.toString().trim();
    if (found.startsWith('/')) spawnSync('ln', ['-s', found, join(bin, tool)]);
  }
  const script = bootstrapScript({ sha256: sha, bytes: bundle.length, agentDir: join(dir, 'nonode') });
  const none = run(script, '', { PATH: bin });
  t.equal(none.code, 127);
  t.same(JSON.parse(none.stdout), { type: 'need-node' });

  writeFileSync(join(bin, 'node'), '#!/bin/sh\necho v16.20.2\n');
  chmodSync(join(bin, 'node'), 0o755);
  const old = run(script, '', { PATH: bin });
  t.equal(old.code, 127);
  t.same(JSON.parse(old.stdout), { type: 'need-node', found: 'v16.20.2' });
  t.notOk(existsSync(join(dir, 'nonode')), 'nothing written');
});

t.test('the command is sh -c with the script; bad inputs are refused', async (t) => {
  const cmd = bootstrapCommand({ sha256: sha, bytes: 10 });
  t.same(cmd.slice(0, 2), ['sh', '-c']);
  t.match(cmd[2], `/var/lib/halite/agent/agent-${sha}.cjs`);
  t.throws(() => bootstrapScript({ sha256: "x'; rm -rf /", bytes: 10 }));
  t.throws(() => bootstrapScript({ sha256: sha, bytes: 0 }));
});

t.test('through sudo -n, as the transport sends it for a non-root roster user', async (t) => {
  const bin = join(dir, 'sudo-bin');
  mkdirSync(bin);
  // a sudo that insists on -n (never prompt) and runs the command as given
  writeFileSync(join(bin, 'sudo'), '#!/bin/sh\n[ "$1" = -n ] && [ "$2" = -- ] || { echo "sudo called without -n --" >&2; exit 9; }\nshift 2\nexec "$@"\n');
  chmodSync(join(bin, 'sudo'), 0o755);
  const agentDir = join(dir, 'sudo agent');
  const args = ['--record-envelope', "/tmp/it's here"];
  const line = commandLine(bootstrapCommand({ sha256: sha, bytes: bundle.length, agentDir, serveArgs: args }), { sudo: true });
  t.match(line, /^sudo -n -- sh -c '/);
  const r = run(line, bundle, { PATH: `${bin}:${process.env.PATH}` });
  t.equal(r.code, 0, r.stderr);
  const lines = r.stdout.trim().split('\n');
  t.same(JSON.parse(lines[0]), { type: 'need-agent', bytes: bundle.length });
  t.same(JSON.parse(lines[1]), ['serve', ...args]);
});

t.test('node install script refuses a Debian nodejs older than 18', async (t) => {
  const bin = join(dir, 'apt-bin');
  mkdirSync(bin);
  writeFileSync(join(bin, 'apt-cache'), '#!/bin/sh\nprintf "nodejs:\\n  Installed: (none)\\n  Candidate: 12.22.12~dfsg-1~deb11u4\\n"\n');
  writeFileSync(join(bin, 'apt-get'), '#!/bin/sh\necho "apt-get $*"\n');
  chmodSync(join(bin, 'apt-cache'), 0o755);
  chmodSync(join(bin, 'apt-get'), 0o755);
  const env = { PATH: `${bin}:${process.env.PATH}` };
  const old = run(installNodeScript(), '', env);
  t.equal(old.code, 1);
  t.match(old.stderr, /nodejs is 12\.22\.12.*older than 18/);
  writeFileSync(join(bin, 'apt-cache'), '#!/bin/sh\nprintf "nodejs:\\n  Candidate: 18.19.0+dfsg-6~deb12u2\\n"\n');
  const ok = run(installNodeScript(), '', env);
  t.equal(ok.code, 0, ok.stderr);
  t.equal(ok.stdout, 'apt-get install -y -q nodejs\n');
});
