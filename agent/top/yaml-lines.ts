// Lines of nested YAML nodes, for error messages that point inside a document
// (a target in a top file, one item of a list).
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node } from 'yaml';

export type YamlPath = readonly (string | number)[];

export interface YamlLines {
  /** 1-based line of the key (for map entries) or item (for list entries) at `path`. */
  lineOf(path: YamlPath): number | undefined;
}

function pathKey(path: YamlPath): string {
  return JSON.stringify(path);
}

/** Indexes the lines of all keys and items down to `depth` levels. */
export function yamlLines(text: string, depth = 4): YamlLines {
  const counter = new LineCounter();
  const doc = parseDocument(text, { lineCounter: counter, uniqueKeys: false });
  const lines = new Map<string, number>();
  const lineAt = (node: unknown): number | undefined => {
    const range = (node as { range?: [number, number, number] } | null)?.range;
    return range ? counter.linePos(range[0]).line : undefined;
  };
  const walk = (node: Node | null | undefined, path: (string | number)[]): void => {
    if (path.length >= depth) return;
    if (isMap(node)) {
      for (const item of node.items) {
        const key = isScalar(item.key) ? String(item.key.value) : undefined;
        if (key === undefined) continue;
        const p = [...path, key];
        const line = lineAt(item.key);
        if (line !== undefined && !lines.has(pathKey(p))) lines.set(pathKey(p), line);
        walk(item.value as Node | null, p);
      }
    } else if (isSeq(node)) {
      node.items.forEach((item, i) => {
        const p = [...path, i];
        const line = lineAt(item);
        if (line !== undefined) lines.set(pathKey(p), line);
        walk(item as Node | null, p);
      });
    }
  };
  walk(doc.contents, []);
  return { lineOf: (path) => lines.get(pathKey(path)) };
}
