// YAML after templating, read with Salt's loader rules (yaml-schema.ts): errors at file:line,
// duplicate keys rejected as Salt does ("found conflicting ID"), line of every top-level key kept.
import { parseDocument, LineCounter, isMap, isScalar, isCollection, visit, type Document } from 'yaml';
import type { ErrorData } from '../errors.ts';
import { saltYamlOptions } from './yaml-schema.ts';

export interface ParsedYaml {
  data: unknown;
  /** Line (1-based) of each top-level key, for error messages. */
  lines: Record<string, number>;
  errors: ErrorData[];
}

export interface YamlProblem {
  message: string;
  /** 1-based line in the parsed text. */
  line: number;
}

function keyText(text: string, pos: [number, number]): string {
  const rest = text.slice(pos[0]);
  const m = /^("(?:[^"\\]|\\.)*"|'(?:[^']|'')*'|[^\n]*?)\s*:(?:\s|$)/.exec(rest);
  const raw = (m ? m[1] : rest.split('\n')[0]).trim();
  if (/^".*"$/s.test(raw)) return JSON.parse(raw) as string;
  if (/^'.*'$/s.test(raw)) return raw.slice(1, -1).replace(/''/g, "'");
  return raw;
}

/** Parses YAML text with Salt's rules; problems carry the 1-based line of the rendered text. */
function parse(text: string): { doc: Document; problems: YamlProblem[]; lineCounter: LineCounter } {
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, { ...saltYamlOptions, customTags: [...saltYamlOptions.customTags], lineCounter });
  const lineOf = (pos: number): number => lineCounter.linePos(pos).line;
  const problems: YamlProblem[] = doc.errors.map((e) => {
    const first = e.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
    let message: string;
    switch (e.code) {
      case 'DUPLICATE_KEY':
        message = `found conflicting ID '${keyText(text, e.pos)}'`;
        break;
      case 'TAB_AS_INDENT':
        message = 'Illegal tab character';
        break;
      default:
        message = first;
    }
    return { message, line: lineOf(e.pos[0]) };
  });
  if (!problems.length) {
    visit(doc, {
      Pair(_key, pair) {
        if (isCollection(pair.key)) {
          const at = pair.key.range?.[0] ?? 0;
          problems.push({
            message: 'Invalid YAML, possible double curly-brace (a mapping or list used as a key)',
            line: lineOf(at),
          });
          return visit.BREAK;
        }
        return undefined;
      },
    });
  }
  return { doc, problems, lineCounter };
}

/** The rendered line quoted in an error; cut only when very long, so redaction still sees whole values. */
function lineText(text: string, line: number): string {
  const l = text.split(/\r?\n/)[line - 1] ?? '';
  return l.length > 1000 ? l.slice(0, 997) + '...' : l;
}

/**
 * Parses an SLS (or any rendered YAML file); errors are located at `file` and the line of the text.
 * They quote the rendered line unless `quote` is false (the private pillar: its lines are secrets).
 */
export function parseYaml(text: string, file: string, opts: { quote?: boolean } = {}): ParsedYaml {
  const { doc, problems, lineCounter } = parse(text);
  const quoted = (line: number): string =>
    opts.quote === false ? '' : ` (rendered line ${line}: ${JSON.stringify(lineText(text, line).trim())})`;
  const errors: ErrorData[] = problems.map((p) => ({
    code: 'RENDER_YAML' as const,
    message: `YAML error: ${p.message}${quoted(p.line)}`,
    file,
    line: p.line,
  }));
  const lines: Record<string, number> = {};
  if (isMap(doc.contents)) {
    for (const item of doc.contents.items) {
      const key = isScalar(item.key) ? String(item.key.value) : undefined;
      const range = (item.key as { range?: [number, number, number] } | null)?.range;
      if (key !== undefined && range) lines[key] = lineCounter.linePos(range[0]).line;
    }
  }
  if (errors.length) return { data: undefined, lines, errors };
  try {
    return { data: doc.toJS({ maxAliasCount: 1000 }), lines, errors };
  } catch (e) {
    return {
      data: undefined,
      lines,
      errors: [{ code: 'RENDER_YAML', message: `YAML error: ${(e as Error).message}`, file }],
    };
  }
}

/** Loads one YAML value (load_yaml, import_yaml): the value, or the first problem. */
export function loadYaml(text: string): { value?: unknown; problem?: YamlProblem } {
  const { doc, problems } = parse(text);
  if (problems.length) return { problem: problems[0] };
  try {
    return { value: doc.toJS({ maxAliasCount: 1000 }) ?? null };
  } catch (e) {
    return { problem: { message: (e as Error).message, line: 1 } };
  }
}
