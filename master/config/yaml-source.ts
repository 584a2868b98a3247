// A parsed YAML file that can say on which line any value (by key path) was written,
// so that validation errors point at file:line.
import { parseDocument, LineCounter, isMap, isSeq, isScalar, isNode } from 'yaml';
import type { ErrorCode, ErrorData } from '../../agent/errors.ts';

export type KeyPath = ReadonlyArray<string | number>;

export interface YamlSource {
  file: string;
  /** The document as plain data; undefined when it has syntax errors. */
  data: unknown;
  /** Syntax errors, with the given code. */
  errors: ErrorData[];
  /** Line (1-based) of the key (or list item) at `path`, or of the deepest ancestor that exists. */
  lineOf(path: KeyPath): number | undefined;
  /** True when the value at `path` is written as a plain (unquoted) scalar. */
  isPlainScalar(path: KeyPath): boolean;
}

function lineAt(counter: LineCounter, node: unknown): number | undefined {
  const range = isNode(node) ? node.range : undefined;
  return range ? counter.linePos(range[0]).line : undefined;
}

export function parseYamlSource(text: string, file: string, code: ErrorCode): YamlSource {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: true, prettyErrors: false });
  const errors: ErrorData[] = doc.errors.map((e) => ({
    code,
    message: `YAML error: ${e.message.split('\n')[0]}`,
    file,
    line: e.linePos?.[0]?.line ?? counter.linePos(e.pos[0]).line,
  }));
  const data = errors.length ? undefined : doc.toJS({ maxAliasCount: 100 });

  function nodeAt(path: KeyPath): unknown {
    let node: unknown = doc.contents;
    for (const key of path) {
      if (isMap(node))
        node = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(key))?.value;
      else if (isSeq(node) && typeof key === 'number') node = node.items[key];
      else return undefined;
    }
    return node;
  }

  function isPlainScalar(path: KeyPath): boolean {
    const node = nodeAt(path);
    return isScalar(node) && node.type === 'PLAIN';
  }

  function lineOf(path: KeyPath): number | undefined {
    let node: unknown = doc.contents;
    let line = lineAt(counter, node);
    for (const key of path) {
      if (isMap(node)) {
        const pair = node.items.find((p) => String(isScalar(p.key) ? p.key.value : p.key) === String(key));
        if (!pair) return line;
        line = lineAt(counter, pair.key) ?? line;
        node = pair.value;
      } else if (isSeq(node) && typeof key === 'number' && key < node.items.length) {
        node = node.items[key];
        line = lineAt(counter, node) ?? line;
      } else {
        return line;
      }
    }
    return line;
  }

  return { file, data, errors, lineOf, isPlainScalar };
}

/** A short description of a value's type for "expected X, got Y" messages. */
export function describe(value: unknown): string {
  if (value === null || value === undefined) return 'nothing';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string')
    return `the string ${JSON.stringify(value.length > 60 ? value.slice(0, 57) + '...' : value)}`;
  return `the ${typeof value} ${String(value)}`;
}

export function isPlainMap(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
