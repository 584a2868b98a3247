// host.present / host.absent: names for addresses in /etc/hosts, with Salt's comments
// ("Added host web1 (10.0.0.5)") and changes ({added: {ip: [name]}}).
import { join } from 'node:path';
import type { Changes, Outcome, Plan, StateContext, StateModule } from './types.ts';
import { converged, failed, opsOf, pending } from './plan.ts';
import { writeFileAtomic } from '../store/fs-atomic.ts';
import { formatHostsLine, isIp, parseHosts, serializeHosts, type HostsLine } from '../facts/hosts.ts';
import { readOrEmpty } from '../store/read-text.ts';
import { declareArgs, type ArgsOf } from './arg-decl.ts';
import { defineState } from './define.ts';

const IP = {
  type: 'str_or_list',
  required: true,
  doc: 'The address, or a list of addresses, the name resolves to',
} as const;
const PRESENT_ARGS = declareArgs({
  ip: IP,
  comment: { type: 'string', default: '', doc: 'A comment at the end of the line' },
  clean: { type: 'bool', default: false, doc: 'Remove the name from every other address' },
});
const ABSENT_ARGS = declareArgs({ ip: IP });

const HOSTS = '/etc/hosts';

export interface HostOps {
  path: string;
  content: string;
  changes: Changes;
  comment: string;
}

function add(lines: HostsLine[], ip: string, name: string): void {
  const l = lines.find((x) => x.ip === ip);
  if (l) {
    l.names.push(name);
    l.raw = formatHostsLine(l);
  } else {
    const fresh: HostsLine = { raw: '', ip, names: [name] };
    fresh.raw = formatHostsLine(fresh);
    lines.push(fresh);
  }
}

function remove(lines: HostsLine[], ip: string, name: string): void {
  for (let i = lines.length - 1; i >= 0; i--) {
    const l = lines[i];
    if (l.ip !== ip || !l.names.includes(name)) continue;
    l.names = l.names.filter((n) => n !== name);
    if (!l.names.length) lines.splice(i, 1);
    else l.raw = formatHostsLine(l);
  }
}

function setComment(lines: HostsLine[], ip: string, comment: string): void {
  const l = lines.find((x) => x.ip === ip);
  if (l) {
    l.comment = comment;
    l.raw = formatHostsLine(l);
  }
}

const bucket = (changes: Changes, key: string, ip: string, v: string): void => {
  const b = (changes[key] ??= {}) as Record<string, string[]>;
  (b[ip] ??= []).push(v);
};

async function checkPresent(args: ArgsOf<typeof PRESENT_ARGS>, ctx: StateContext): Promise<Plan<HostOps>> {
  const name = args.name;
  const { ip: ips, comment, clean } = args;
  const lines = parseHosts(await readOrEmpty(join(ctx.root, HOSTS)));
  const known = new Set(lines.map((l) => l.ip).filter(Boolean));
  const toAdd: [string, string][] = [];
  const toComment: [string, string][] = [];
  const toRemove: [string, string][] = [];
  const comments: string[] = [];
  const warnings: string[] = [];
  let bad = false;
  for (const ip of ips) {
    if (!known.has(ip)) {
      toAdd.push([ip, name]);
      if (comment) toComment.push([ip, comment]);
    }
  }
  const seen = new Set<string>();
  for (const l of lines) {
    if (!l.ip || seen.has(l.ip)) continue;
    seen.add(l.ip);
    const names = lines.filter((x) => x.ip === l.ip).flatMap((x) => x.names);
    const lineComment = lines.find((x) => x.ip === l.ip && x.comment !== undefined)?.comment;
    if (!ips.includes(l.ip)) {
      if (!names.includes(name)) continue;
      if (clean) toRemove.push([l.ip, name]);
      else {
        warnings.push(
          `Host ${name} present for IP address ${l.ip}. To get rid of this warning, either run this state with 'clean' set to True to remove ${name} from ${l.ip}, or add ${l.ip} to the 'ip' argument.`,
        );
      }
    } else if (names.includes(name)) {
      if (comment && lineComment !== comment) toComment.push([l.ip, comment]);
      else comments.push(`Host ${name} (${l.ip}) already present`);
    } else if (isIp(l.ip)) {
      toAdd.push([l.ip, name]);
      if (comment) toComment.push([l.ip, comment]);
    } else {
      bad = true;
      comments.push(`Invalid IP Address for ${name} (${l.ip})`);
    }
  }
  if (bad) return failed(comments.join('\n'));
  if (!toAdd.length && !toComment.length && !toRemove.length) return converged(comments.join('\n'), warnings);
  const changes: Changes = {};
  const testComments = [...comments];
  const doneComments = [...comments];
  for (const [ip, n] of toAdd) {
    add(lines, ip, n);
    bucket(changes, 'added', ip, n);
    testComments.push(`Host ${n} (${ip}) would be added`);
    doneComments.push(`Added host ${n} (${ip})`);
  }
  for (const [ip, c] of toComment) {
    setComment(lines, ip, c);
    bucket(changes, 'comment_added', ip, c);
    testComments.push(`Comment for ${ip} (${c}) would be added`);
    doneComments.push(`Set comment for host ${ip} (${c})`);
  }
  for (const [ip, n] of toRemove) {
    remove(lines, ip, n);
    bucket(changes, 'removed', ip, n);
    testComments.push(`Host ${n} (${ip}) would be removed`);
    doneComments.push(`Removed host ${n} (${ip})`);
  }
  return pending(
    changes,
    testComments.join('\n'),
    { path: HOSTS, content: serializeHosts(lines), changes, comment: doneComments.join('\n') },
    warnings,
  );
}

async function checkAbsent(args: ArgsOf<typeof ABSENT_ARGS>, ctx: StateContext): Promise<Plan<HostOps>> {
  const name = args.name;
  const lines = parseHosts(await readOrEmpty(join(ctx.root, HOSTS)));
  const testComments: string[] = [];
  const doneComments: string[] = [];
  let changed = false;
  for (const ip of args.ip) {
    if (!lines.some((l) => l.ip === ip && l.names.includes(name))) {
      testComments.push(`Host ${name} (${ip}) already absent`);
      doneComments.push(`Host ${name} (${ip}) already absent`);
      continue;
    }
    remove(lines, ip, name);
    changed = true;
    testComments.push(`Host ${name} (${ip}) needs to be removed`);
    doneComments.push(`Removed host ${name} (${ip})`);
  }
  if (!changed) return converged(testComments.join('\n'));
  const changes = { host: name };
  return pending(changes, testComments.join('\n'), {
    path: HOSTS,
    content: serializeHosts(lines),
    changes,
    comment: doneComments.join('\n'),
  });
}

async function applyHosts(plan: Plan<HostOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  try {
    await writeFileAtomic(join(ctx.root, ops.path), ops.content, {});
  } catch (e) {
    return { result: false, changes: {}, comment: `Failed to write ${ops.path}: ${(e as Error).message}` };
  }
  ctx.facts.invalidatePath(ops.path);
  return { changes: ops.changes, comment: ops.comment, ...(plan.warnings ? { warnings: plan.warnings } : {}) };
}

export const present = defineState({
  doc: 'The name resolves to the address(es) in /etc/hosts',
  args: PRESENT_ARGS,
  check: checkPresent,
  apply: applyHosts,
});
export const absent = defineState({
  doc: 'The name does not resolve to the address(es) in /etc/hosts',
  args: ABSENT_ARGS,
  check: checkAbsent,
  apply: applyHosts,
});

const hostModule: StateModule = { present, absent };
export default hostModule;
