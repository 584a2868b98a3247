// The tokenizer for the Jinja dialect: nunjucks' lexer with Python string literals and Jinja's
// handling of `}}` inside open braces.
import { lexer } from './nunjucks-internals.ts';

export interface Token {
  type: string;
  value: string;
  lineno: number;
  colno: number;
}

/** A syntax error at a 1-based line and column. */
export class SyntaxProblem extends Error {
  constructor(
    message: string,
    readonly lineno: number | undefined,
    readonly colno: number | undefined,
  ) {
    super(message);
    this.name = 'Template render error';
  }
}

interface Tokenizer {
  in_code: boolean;
  len: number;
  str: string;
  index: number;
  lineno: number;
  colno: number;
  forward(): void;
  nextToken(): Token | null;
  _parseString(delimiter: string): string;
}

const SIMPLE_ESCAPES: Record<string, string> = {
  n: '\n',
  t: '\t',
  r: '\r',
  a: '\x07',
  b: '\b',
  f: '\f',
  v: '\v',
  '0': '\0',
  '\\': '\\',
  "'": "'",
  '"': '"',
  '\n': '',
};

/** String literals as Python reads them: unknown escapes such as \d keep their backslash (regexes need it). */
function parseString(tk: Tokenizer, delimiter: string): string {
  const startLine = tk.lineno;
  const startCol = tk.colno;
  tk.forward();
  let out = '';
  while (tk.index < tk.str.length && tk.str[tk.index] !== delimiter) {
    const c = tk.str[tk.index];
    if (c !== '\\') {
      out += c;
      tk.forward();
      continue;
    }
    const n = tk.str[tk.index + 1] ?? '';
    const hex =
      n === 'x'
        ? /^[0-9a-fA-F]{2}/.exec(tk.str.slice(tk.index + 2))
        : n === 'u'
          ? /^[0-9a-fA-F]{4}/.exec(tk.str.slice(tk.index + 2))
          : null;
    if (hex) {
      out += String.fromCharCode(parseInt(hex[0], 16));
      for (let i = 0; i < hex[0].length + 2; i++) tk.forward();
    } else if (n in SIMPLE_ESCAPES) {
      out += SIMPLE_ESCAPES[n];
      tk.forward();
      tk.forward();
    } else {
      out += c;
      tk.forward();
    }
  }
  if (tk.index >= tk.str.length) {
    throw new SyntaxProblem(`unterminated string literal (started with ${delimiter})`, startLine + 1, startCol + 1);
  }
  tk.forward();
  return out;
}

const TAG_START = /\{[%{#]/g;

/**
 * Template text up to the next tag, when it holds a `#}` outside any comment. Jinja reads such a
 * `#}` as text; the nunjucks lexer would stop with "unexpected end of comment".
 */
function strayCommentEnd(tk: Tokenizer): Token | null {
  if (/^\{[%{#]/.test(tk.str.slice(tk.index, tk.index + 2))) return null;
  TAG_START.lastIndex = tk.index;
  const end = TAG_START.exec(tk.str)?.index ?? tk.len;
  const text = tk.str.slice(tk.index, end);
  if (!text.includes('#}')) return null;
  const tok = { type: lexer.TOKEN_DATA, value: text, lineno: tk.lineno, colno: tk.colno };
  for (let i = 0; i < text.length; i++) tk.forward();
  return tok;
}

/**
 * The nunjucks lexer ends a tag at the first `}}`, even when it closes nested dicts inside
 * `{% set d = {'a': {'b': 1}} %}`. Like Jinja's lexer, this one reads `}` while braces are open,
 * and a `#}` in template text is text.
 */
export function lexBalanced(src: string, opts: object): Tokenizer {
  const tk = lexer.lex(src, opts) as Tokenizer;
  const next = tk.nextToken.bind(tk);
  tk._parseString = (delimiter: string) => parseString(tk, delimiter);
  let depth = 0;
  tk.nextToken = (): Token | null => {
    if (tk.in_code && depth > 0 && tk.str.startsWith('}', tk.index)) {
      const tok = { type: lexer.TOKEN_RIGHT_CURLY, value: '}', lineno: tk.lineno, colno: tk.colno };
      tk.forward();
      depth--;
      return tok;
    }
    const tok = (!tk.in_code && strayCommentEnd(tk)) || next();
    if (tok) {
      if (tok.type === lexer.TOKEN_LEFT_CURLY) depth++;
      else if (tok.type === lexer.TOKEN_RIGHT_CURLY) depth = Math.max(0, depth - 1);
      else if (tok.type === lexer.TOKEN_BLOCK_START || tok.type === lexer.TOKEN_VARIABLE_START) depth = 0;
    }
    return tok;
  };
  return tk;
}
