// YAML after templating: parse with line numbers, report errors at file:line.
import { parseDocument, LineCounter, isMap, isScalar } from 'yaml';
import type { ErrorData } from '../errors.ts';

export interface ParsedYaml {
  data: unknown;
  /** Line (1-based) of each top-level key, for error messages. */
  lines: Record<string, number>;
  errors: ErrorData[];
}

export function parseYaml(text: string, file: string): ParsedYaml {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const errors: ErrorData[] = doc.errors.map((e) => ({
    code: 'RENDER_YAML' as const,
    message: `YAML error: ${e.message.split('\n')[0]}`,
    file,
    line: e.linePos?.[0]?.line ?? lineCounter.linePos(e.pos[0]).line,
  }));
  const lines: Record<string, number> = {};
  if (isMap(doc.contents)) {
    for (const item of doc.contents.items) {
      const key = isScalar(item.key) ? String(item.key.value) : undefined;
      const range = (item.key as { range?: [number, number, number] } | null)?.range;
      if (key !== undefined && range) lines[key] = lineCounter.linePos(range[0]).line;
    }
  }
  const data = errors.length ? undefined : doc.toJS({ maxAliasCount: 1000 });
  return { data, lines, errors };
}
