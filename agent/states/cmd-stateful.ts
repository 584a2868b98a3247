// The `stateful` protocol of cmd states: the command reports its own changes on stdout,
// either as a JSON object or as a last line of name=value pairs (changed=yes comment='…').
import type { Changes, Outcome } from './types.ts';

/** POSIX-shell-like word splitting with quotes and backslashes (no expansions). */
export function shellSplit(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < line.length && '"\\$`'.includes(line[i + 1])) cur += line[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote) throw new Error('No closing quotation');
  if (inWord) words.push(cur);
  return words;
}

function isTrue(v: unknown): boolean {
  const s = String(v).toLowerCase();
  if (v && ['true', 'yes', '1'].includes(s)) return true;
  if (['false', 'no', '0'].includes(s)) return false;
  throw new Error(`Failed parsing boolean value: ${String(v)}`);
}

/**
 * Re-reads a cmd outcome (changes = {pid, retcode, stdout, stderr}) through the stateful
 * protocol: changes only when the command says changed=yes; its comment becomes the comment.
 */
export function reinterpret(out: Outcome): Outcome {
  const ret = out.changes as Changes & { stdout?: string; stderr?: string };
  const state: Outcome = { ...out, changes: {}, comment: '' };
  const stdout = ret.stdout ?? '';
  if (!stdout) {
    if (ret.stderr) state.comment = ret.stderr;
    return state;
  }
  let data: Record<string, unknown>;
  let isJson = false;
  let head = '';
  try {
    const parsed: unknown = JSON.parse(stdout);
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
      return { ...state, result: false, comment: 'script JSON output must be a JSON object (e.g., {})!' };
    }
    data = { ...(parsed as Record<string, unknown>) };
    isJson = true;
  } catch {
    const trimmed = stdout.trimEnd();
    const idx = trimmed.lastIndexOf('\n');
    const last = idx === -1 ? trimmed : trimmed.slice(idx + 1);
    head = idx === -1 ? '' : trimmed.slice(0, idx);
    data = {};
    try {
      for (const item of shellSplit(last)) {
        const parts = item.split('=');
        if (parts.length !== 2) throw new Error('not name=value');
        data[parts[0]] = parts[1];
      }
    } catch {
      return {
        ...state,
        result: false,
        changes: { ...ret },
        comment: 'Failed parsing script output! Stdout must be JSON or a line of name=value pairs.',
      };
    }
  }
  let changed: boolean;
  try {
    changed = isTrue(data.changed ?? 'no');
  } catch (e) {
    return { ...state, result: false, comment: (e as Error).message };
  }
  if ('comment' in data) {
    state.comment = String(data.comment);
    delete data.comment;
  }
  if (changed) {
    for (const [k, v] of Object.entries(ret)) if (!(k in data)) data[k] = v;
    data.stdout = isJson ? '' : head;
    state.changes = data;
  }
  return state;
}
