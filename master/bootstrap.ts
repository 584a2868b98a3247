// The one remote command of a job: a POSIX sh script that makes sure the VM has a usable Node and
// this version of the agent bundle, then replaces itself with `node <bundle> serve`.
//
//   no node, or node < 18   → prints {"type":"need-node"[,"found":V]} and exits 127
//   bundle not present      → prints {"type":"need-agent","bytes":N}, reads exactly N bytes from
//                             stdin into a temp file, checks its sha256, renames it into place
//   then                    → exec node -e <loader> /var/lib/halite/agent/agent-<sha>.cjs serve [ARGS…]
//                             (the loader keeps V8's code cache beside the bundle: agent/code-cache.ts)
//
// Every value is shell-quoted; with a non-root roster user and `sudo`, the transport runs the
// command as `sudo -n -- sh -c <script>`.
import { CODE_CACHE_LOADER } from '../agent/code-cache.ts';
import { quoteArg } from './transport/quote.ts';

export const AGENT_DIR = '/var/lib/halite/agent';
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
}

/** The script run by `sh -c`. */
export function bootstrapScript(spec: BootstrapSpec): string {
  if (!/^[0-9a-f]{64}$/.test(spec.sha256)) throw new TypeError(`not a sha256: ${spec.sha256}`);
  if (!Number.isSafeInteger(spec.bytes) || spec.bytes <= 0) throw new TypeError(`bad bundle size: ${spec.bytes}`);
  const dir = spec.agentDir ?? AGENT_DIR;
  const file = `${dir.replace(/\/+$/, '')}/agent-${spec.sha256}.cjs`;
  const args = (spec.serveArgs ?? []).map(quoteArg).join(' ');
  const needNode = `printf '{"type":"need-node"}\\n'`;
  return [
    `d=${quoteArg(dir)}; f=${quoteArg(file)}`,
    `command -v node >/dev/null 2>&1 || { ${needNode}; exit ${NEED_NODE_EXIT}; }`,
    `v=$(node -v 2>/dev/null); m=\${v#v}; m=\${m%%.*}`,
    `case "$m" in ''|*[!0-9]*) ${needNode}; exit ${NEED_NODE_EXIT};; esac`,
    `if [ "$m" -lt ${MIN_NODE_MAJOR} ]; then printf '{"type":"need-node","found":"%s"}\\n' "$v"; exit ${NEED_NODE_EXIT}; fi`,
    `if [ ! -f "$f" ]; then`,
    `  mkdir -p "$d" || exit 1`,
    `  t=$(mktemp "$d/.agent.XXXXXX") || exit 1`,
    `  printf '{"type":"need-agent","bytes":%s}\\n' ${spec.bytes}`,
    `  head -c ${spec.bytes} >"$t"`,
    `  if ! printf '%s  %s\\n' ${spec.sha256} "$t" | sha256sum -c --status; then rm -f "$t"; echo "halite: the agent bundle arrived damaged (sha256 mismatch)" >&2; exit 1; fi`,
    `  chmod 0644 "$t" && mv -f "$t" "$f" || exit 1`,
    `fi`,
    `exec node -e ${quoteArg(CODE_CACHE_LOADER)} "$f" serve${args ? ` ${args}` : ''}`,
  ].join('\n');
}

/** The command to exec on the VM, as an argv (the transport quotes it and adds sudo when asked). */
export function bootstrapCommand(spec: BootstrapSpec): string[] {
  return ['sh', '-c', bootstrapScript(spec)];
}

/**
 * Installs Debian's `nodejs` when its candidate version is at least 18 (Debian 12 and later);
 * otherwise fails with a message saying what was found.
 */
export function installNodeScript(): string {
  return [
    `c=$(apt-cache policy nodejs 2>/dev/null | sed -n 's/^ *Candidate: *//p'); m=\${c#*:}; m=\${m%%.*}`,
    `case "$m" in ''|*[!0-9]*) echo "halite: no installable nodejs package (candidate: \${c:-none}); install Node.js >= ${MIN_NODE_MAJOR} on this host" >&2; exit 1;; esac`,
    `if [ "$m" -lt ${MIN_NODE_MAJOR} ]; then echo "halite: this system's nodejs is $c, older than ${MIN_NODE_MAJOR}; install Node.js >= ${MIN_NODE_MAJOR} on this host" >&2; exit 1; fi`,
    `DEBIAN_FRONTEND=noninteractive apt-get install -y -q nodejs`,
  ].join('\n');
}

export function installNodeCommand(): string[] {
  return ['sh', '-c', installNodeScript()];
}
