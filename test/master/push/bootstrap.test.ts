// The bootstrap line and the --bootstrap install scripts run for real under /bin/sh: bundle and
// Node binary transfer and checksum, which node runs the agent, need-node, quoting.
import t from 'tap';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  NO_NODE_PACKAGE_EXIT,
  bootstrapCommand,
  bootstrapScript,
  installNodeScript,
  nodeBinaryPath,
  uploadNodeScript,
} from '../../../master/push/bootstrap.ts';
import { commandLine } from '../../../master/transport/quote.ts';

const dir = mkdtempSync(join(tmpdir(), 'halite-bootstrap-'));
t.teardown(() => rmSync(dir, { recursive: true, force: true }));

// A stand-in bundle that prints the arguments it was started with.
const bundle = Buffer.from('console.log(JSON.stringify(process.argv.slice(2)))\n');
const sha = createHash('sha256').update(bundle).digest('hex');

/** Links the tools the bootstrap needs into `bin` (a PATH without node). */
function linkTools(bin: string): void {
  for (const tool of ['sh', 'mkdir', 'mktemp', 'head', 'sha256sum', 'chmod', 'mv', 'rm', 'printf']) {
    const found = spawnSync('/bin/sh', ['-c', `command -v ${tool}`])
      .stdout.toString()
      .trim();
    if (found.startsWith('/')) spawnSync('ln', ['-s', found, join(bin, tool)]);
  }
}

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
  t.same(
    readdirSync(agentDir).sort(),
    [`agent-${sha}.cjs`, `agent-${sha}.cjs.v8`],
    'no temp file left; the code cache beside the bundle',
  );

  const second = run(script, '');
  t.equal(second.code, 0, second.stderr);
  t.same(
    second.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l)),
    [['serve', ...args]],
    'present bundle: no need-agent',
  );
});

t.test('reads exactly N bytes: what follows stays on stdin for the agent', async (t) => {
  const reader = Buffer.from("process.stdin.on('data',d=>process.stdout.write('rest:'+d))\n");
  const rsha = createHash('sha256').update(reader).digest('hex');
  const agentDir = join(dir, 'exact');
  const r = run(
    bootstrapScript({ sha256: rsha, bytes: reader.length, agentDir }),
    Buffer.concat([reader, Buffer.from('{"type":"job"}\n')]),
  );
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
  linkTools(bin);
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
  writeFileSync(
    join(bin, 'sudo'),
    '#!/bin/sh\n[ "$1" = -n ] && [ "$2" = -- ] || { echo "sudo called without -n --" >&2; exit 9; }\nshift 2\nexec "$@"\n',
  );
  chmodSync(join(bin, 'sudo'), 0o755);
  const agentDir = join(dir, 'sudo agent');
  const args = ['--record-envelope', "/tmp/it's here"];
  const line = commandLine(bootstrapCommand({ sha256: sha, bytes: bundle.length, agentDir, serveArgs: args }), {
    sudo: true,
  });
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
  writeFileSync(
    join(bin, 'apt-cache'),
    '#!/bin/sh\nprintf "nodejs:\\n  Installed: (none)\\n  Candidate: 12.22.12~dfsg-1~deb11u4\\n"\n',
  );
  writeFileSync(join(bin, 'apt-get'), '#!/bin/sh\necho "apt-get $*"\n');
  chmodSync(join(bin, 'apt-cache'), 0o755);
  chmodSync(join(bin, 'apt-get'), 0o755);
  const env = { PATH: `${bin}:${process.env.PATH}` };
  const old = run(installNodeScript(), '', env);
  t.equal(old.code, NO_NODE_PACKAGE_EXIT, 'the master then sends its own Node');
  t.match(old.stderr, /nodejs is 12\.22\.12.*older than 18/);
  writeFileSync(join(bin, 'apt-cache'), '#!/bin/sh\nprintf "nodejs:\\n  Candidate: 18.19.0+dfsg-6~deb12u2\\n"\n');
  const ok = run(installNodeScript(), '', env);
  t.equal(ok.code, 0, ok.stderr);
  t.equal(ok.stdout, 'apt-get install -y -q nodejs\n');
});

/** A stand-in `node` that answers -v with `version` and otherwise says who it is, then runs the real node. */
function fakeNode(path: string, version: string, name: string): void {
  mkdirSync(join(path, '..'), { recursive: true });
  writeFileSync(
    path,
    `#!/bin/sh\nif [ "$1" = -v ]; then echo ${version}; exit 0; fi\necho '"${name}"'\nexec ${JSON.stringify(process.execPath)} "$@"\n`,
  );
  chmodSync(path, 0o755);
}

t.test("which node runs the agent: the system's when >= 18, else one that --bootstrap installed", async (t) => {
  const bin = join(dir, 'which-node-bin');
  mkdirSync(bin);
  linkTools(bin);
  const nodeDir = join(dir, 'halite node');
  const agentDir = join(dir, 'agent-which-node');
  const script = bootstrapScript({ sha256: sha, bytes: bundle.length, agentDir, nodeDir, serveArgs: ['--x'] });
  const ran = (input: Buffer | string) => {
    const r = run(script, input, { PATH: bin });
    t.equal(r.code, 0, r.stderr);
    const lines = r.stdout
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as unknown);
    t.same(lines.at(-1), ['serve', '--x'], 'the bundle ran');
    return lines.at(-2);
  };

  // an old system node and a broken binary under NODE_DIR: nothing usable
  fakeNode(join(bin, 'node'), 'v12.22.12', 'system');
  mkdirSync(join(nodeDir, 'a'.repeat(64), 'bin'), { recursive: true });
  writeFileSync(join(nodeDir, 'a'.repeat(64), 'bin', 'node'), '#!/bin/sh\nexit 1\n');
  chmodSync(join(nodeDir, 'a'.repeat(64), 'bin', 'node'), 0o755);
  const none = run(script, '', { PATH: bin });
  t.equal(none.code, 127);
  t.same(JSON.parse(none.stdout), { type: 'need-node', found: 'v12.22.12' }, 'the old version is reported');

  // the binary --bootstrap sent, under its sha256
  fakeNode(join(nodeDir, 'b'.repeat(64), 'bin', 'node'), 'v20.20.2', 'halite');
  t.equal(ran(bundle), 'halite', "the installed one, since the system's is too old");

  // a system node >= 18 comes first
  fakeNode(join(bin, 'node'), 'v18.19.0', 'system');
  t.equal(ran(''), 'system');
});

t.test("the master's Node: asked for by size, checked by sha256, kept under its sha256", async (t) => {
  const nodeDir = join(dir, 'uploaded node');
  const body = Buffer.from('#!/bin/sh\necho v20.20.2\n');
  const digest = createHash('sha256').update(body).digest('hex');
  const machine = spawnSync('uname', ['-m']).stdout.toString().trim();
  const path = nodeBinaryPath(digest, nodeDir);
  t.equal(path, join(nodeDir, digest, 'bin', 'node'));
  const script = uploadNodeScript({ sha256: digest, bytes: body.length, machine, nodeDir });

  const ok = run(script, body);
  t.equal(ok.code, 0, ok.stderr);
  const lines = ok.stdout.trim().split('\n');
  t.same(JSON.parse(lines[0]), { type: 'need-node-binary', bytes: body.length }, 'asks for exactly the binary');
  t.match(lines[1], /installed Node.js v20\.20\.2/);
  t.same(readdirSync(join(nodeDir, digest, 'bin')), ['node'], 'no temp file left');
  t.equal(statSync(path).mode & 0o777, 0o755);

  // present and working: nothing is asked for and stdin is not read
  const mtime = statSync(path).mtimeMs;
  const again = spawnSync('/bin/sh', ['-c', `(\n${script}\n)\nprintf 'rest:'; cat`], { input: 'unread' });
  t.equal(again.status, 0, again.stderr.toString());
  t.notMatch(again.stdout.toString(), /need-node-binary/);
  t.match(again.stdout.toString(), /already in .*\nrest:unread$/, 'the input stays unread');
  t.equal(statSync(path).mtimeMs, mtime, 'not replaced');
});

t.test("the master's Node: damaged, not runnable or for another machine, it leaves nothing behind", async (t) => {
  const body = Buffer.from('#!/bin/sh\necho v20.20.2\n');
  const digest = createHash('sha256').update(body).digest('hex');
  const machine = spawnSync('uname', ['-m']).stdout.toString().trim();
  const damaged = run(
    uploadNodeScript({ sha256: digest, bytes: body.length, machine, nodeDir: join(dir, 'damaged') }),
    Buffer.from('#!/bin/sh\necho v99.0.0\n'),
  );
  t.equal(damaged.code, 1);
  t.match(damaged.stderr, /sha256 mismatch/);
  t.same(readdirSync(join(dir, 'damaged', digest, 'bin')), [], 'neither the binary nor the temp file');
  const short = run(
    uploadNodeScript({ sha256: digest, bytes: body.length, machine, nodeDir: join(dir, 'short') }),
    body.subarray(0, 5),
  );
  t.equal(short.code, 1, 'a transfer cut short is refused');
  t.same(readdirSync(join(dir, 'short', digest, 'bin')), []);

  const broken = Buffer.from('#!/bin/sh\nexit 1\n');
  const brokenSha = createHash('sha256').update(broken).digest('hex');
  const bad = run(
    uploadNodeScript({ sha256: brokenSha, bytes: broken.length, machine, nodeDir: join(dir, 'broken') }),
    broken,
  );
  t.equal(bad.code, 1);
  t.match(bad.stderr, /does not run on this host/);
  t.same(readdirSync(join(dir, 'broken', brokenSha, 'bin')), []);

  const other = run(
    uploadNodeScript({ sha256: digest, bytes: body.length, machine: 'riscv64', nodeDir: join(dir, 'other') }),
    body,
  );
  t.equal(other.code, 1);
  t.match(other.stderr, /built for riscv64/);
  t.notOk(existsSync(join(dir, 'other')), 'refused before anything is written');
  t.equal(other.stdout, '', 'nothing asked for');

  t.throws(() => uploadNodeScript({ sha256: 'x', bytes: 1, machine }));
  t.throws(() => uploadNodeScript({ sha256: digest, bytes: 0, machine }));
  t.throws(() => uploadNodeScript({ sha256: digest, bytes: 1, machine: 'x86_64; rm -rf /' }));
});
