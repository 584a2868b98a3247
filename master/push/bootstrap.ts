// The one remote command of a job: a POSIX sh script that makes sure the VM has a usable Node and
// this version of the agent bundle, then replaces itself with `node <bundle> serve`.
//
//   node                    → the system's `node` when it is >= 18, else one `--bootstrap`
//                             installed as /var/lib/halite/node/<sha256>/bin/node
//   no node, or node < 18   → prints {"type":"need-node"[,"found":V]} and exits 127
//   bundle not present      → prints {"type":"need-agent","bytes":N}, reads exactly N bytes from
//                             stdin into a temp file, checks its sha256, renames it into place
//   then                    → exec node -e <loader> /var/lib/halite/agent/agent-<sha>.cjs serve [ARGS…]
//                             (the loader keeps V8's code cache beside the bundle: agent/runtime/code-cache.ts)
//
// Every value is shell-quoted; with a non-root roster user and `sudo`, the transport runs the
// command as `sudo -n -- sh -c <script>`.
import { CODE_CACHE_LOADER } from '../../agent/runtime/code-cache.ts';
import { quoteArg } from '../transport/quote.ts';

export const AGENT_DIR = '/var/lib/halite/agent';
/** Where `--bootstrap` puts the master's own Node when the VM's packages offer none recent enough:
 *  NODE_DIR/<sha256>/bin/node, one directory per binary. */
export const NODE_DIR = '/var/lib/halite/node';
/** Exit status of the install script when the package system has no suitable nodejs. */
export const NO_NODE_PACKAGE_EXIT = 3;
export const MIN_NODE_MAJOR = 18;
/** Exit status of the bootstrap when the VM has no usable Node. */
export const NEED_NODE_EXIT = 127;

export interface BootstrapSpec {
  /** sha256 of the agent bundle (hex). */
  sha256: string;
  /** Size of the bundle in bytes. */
  bytes: number;
  /** Directory holding the bundles on the VM (default /var/lib/halite/agent). */
  agentDir?: string;
  /** Extra arguments for `serve`. */
  serveArgs?: readonly string[];
  /** Where a Node installed by `--bootstrap` lives (default /var/lib/halite/node). */
  nodeDir?: string;
}

/** The script run by `sh -c`. */
export function bootstrapScript(spec: BootstrapSpec): string {
  if (!/^[0-9a-f]{64}$/.test(spec.sha256)) throw new TypeError(`not a sha256: ${spec.sha256}`);
  if (!Number.isSafeInteger(spec.bytes) || spec.bytes <= 0) throw new TypeError(`bad bundle size: ${spec.bytes}`);
  const dir = spec.agentDir ?? AGENT_DIR;
  const file = `${dir.replace(/\/+$/, '')}/agent-${spec.sha256}.cjs`;
  const args = (spec.serveArgs ?? []).map(quoteArg).join(' ');
  const nodeDir = (spec.nodeDir ?? NODE_DIR).replace(/\/+$/, '');
  return [
    `d=${quoteArg(dir)}; f=${quoteArg(file)}; n=; found=`,
    // the system's node first, then one that --bootstrap installed (any of NODE_DIR/<sha256>)
    `for c in node ${quoteArg(nodeDir)}/*/bin/node; do`,
    `  command -v "$c" >/dev/null 2>&1 || continue`,
    `  v=$("$c" -v 2>/dev/null); m=\${v#v}; m=\${m%%.*}`,
    `  case "$m" in ''|*[!0-9]*) continue;; esac`,
    `  if [ "$m" -ge ${MIN_NODE_MAJOR} ]; then n=$c; break; fi`,
    `  found=$v`,
    `done`,
    `if [ -z "$n" ]; then`,
    `  if [ -n "$found" ]; then printf '{"type":"need-node","found":"%s"}\\n' "$found"; else printf '{"type":"need-node"}\\n'; fi`,
    `  exit ${NEED_NODE_EXIT}`,
    `fi`,
    `if [ ! -f "$f" ]; then`,
    `  mkdir -p "$d" || exit 1`,
    `  t=$(mktemp "$d/.agent.XXXXXX") || exit 1`,
    `  printf '{"type":"need-agent","bytes":%s}\\n' ${spec.bytes}`,
    `  head -c ${spec.bytes} >"$t"`,
    `  if ! printf '%s  %s\\n' ${spec.sha256} "$t" | sha256sum -c --status; then rm -f "$t"; echo "halite: the agent bundle arrived damaged (sha256 mismatch)" >&2; exit 1; fi`,
    `  chmod 0644 "$t" && mv -f "$t" "$f" || exit 1`,
    `fi`,
    `exec "$n" -e ${quoteArg(CODE_CACHE_LOADER)} "$f" serve${args ? ` ${args}` : ''}`,
  ].join('\n');
}

/** The command to exec on the VM, as an argv (the transport quotes it and adds sudo when asked). */
export function bootstrapCommand(spec: BootstrapSpec): string[] {
  return ['sh', '-c', bootstrapScript(spec)];
}

/**
 * Installs Debian's `nodejs` when its candidate version is at least 18 (Debian 12 and later);
 * otherwise exits NO_NODE_PACKAGE_EXIT saying what was found (the master then ships its own Node).
 */
export function installNodeScript(): string {
  return [
    `c=$(apt-cache policy nodejs 2>/dev/null | sed -n 's/^ *Candidate: *//p'); m=\${c#*:}; m=\${m%%.*}`,
    `case "$m" in ''|*[!0-9]*) echo "halite: no installable nodejs package (candidate: \${c:-none})" >&2; exit ${NO_NODE_PACKAGE_EXIT};; esac`,
    `if [ "$m" -lt ${MIN_NODE_MAJOR} ]; then echo "halite: this system's nodejs is $c, older than ${MIN_NODE_MAJOR}" >&2; exit ${NO_NODE_PACKAGE_EXIT}; fi`,
    `DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs`,
  ].join('\n');
}

export function installNodeCommand(): string[] {
  return ['sh', '-c', installNodeScript()];
}

export interface NodeUpload {
  sha256: string;
  bytes: number;
  /** `uname -m` the binary runs on (x86_64, aarch64). */
  machine: string;
  nodeDir?: string;
}

/** What the upload script prints when it wants the binary: then exactly `bytes` bytes follow on stdin. */
export interface NeedNodeBinary {
  type: 'need-node-binary';
  bytes: number;
}

/** Where the master's Node with this sha256 lives on the VM. */
export function nodeBinaryPath(sha256: string, nodeDir = NODE_DIR): string {
  return `${nodeDir.replace(/\/+$/, '')}/${sha256}/bin/node`;
}

/**
 * Puts the master's own Node binary at NODE_DIR/<sha256>/bin/node for the bootstrap to find. When
 * a working binary is there already it says so and reads nothing; otherwise it prints
 * {"type":"need-node-binary","bytes":N}, reads exactly N bytes from stdin, checks the sha256,
 * makes sure the binary runs here (`node -v`), and only then renames it into place. A binary that
 * arrives damaged or does not run leaves nothing behind. The machine type is checked first.
 */
export function uploadNodeScript(u: NodeUpload): string {
  if (!/^[0-9a-f]{64}$/.test(u.sha256)) throw new TypeError(`not a sha256: ${u.sha256}`);
  if (!Number.isSafeInteger(u.bytes) || u.bytes <= 0) throw new TypeError(`bad binary size: ${u.bytes}`);
  if (!/^[a-z0-9_]+$/.test(u.machine)) throw new TypeError(`bad machine type: ${u.machine}`);
  const file = nodeBinaryPath(u.sha256, u.nodeDir);
  const bin = file.slice(0, -'/node'.length);
  return [
    `b=${quoteArg(bin)}; f=${quoteArg(file)}`,
    `if [ "$(uname -m)" != ${u.machine} ]; then echo "halite: this host is $(uname -m); the master's Node is built for ${u.machine}: install Node.js >= ${MIN_NODE_MAJOR} on it" >&2; exit 1; fi`,
    `if [ -x "$f" ] && v=$("$f" -v 2>/dev/null); then echo "Node.js $v is already in $f"; exit 0; fi`,
    `mkdir -p "$b" || exit 1`,
    `t=$(mktemp "$b/.node.XXXXXX") || exit 1`,
    `printf '{"type":"need-node-binary","bytes":%s}\\n' ${u.bytes}`,
    `head -c ${u.bytes} >"$t"`,
    `if ! printf '%s  %s\\n' ${u.sha256} "$t" | sha256sum -c --status; then rm -f "$t"; echo "halite: the Node binary arrived damaged (sha256 mismatch)" >&2; exit 1; fi`,
    `chmod 0755 "$t" || { rm -f "$t"; exit 1; }`,
    `if ! v=$("$t" -v 2>&1); then rm -f "$t"; echo "halite: the master's Node does not run on this host: $v" >&2; exit 1; fi`,
    `mv -f "$t" "$f" && echo "installed Node.js $v as $f"`,
  ].join('\n');
}

export function uploadNodeCommand(u: NodeUpload): string[] {
  return ['sh', '-c', uploadNodeScript(u)];
}
