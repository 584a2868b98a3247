// The Jinja dialect Salt templates are written in, parsed on top of nunjucks' parser:
// subscripts and slices, tuples, trailing commas, `do`, `break`/`continue`, Salt's load_*/import_*
// tags, and error messages that name the open block and the line it was opened on.
import { BaseParser, lexer, nodes, type AnyNode } from './nunjucks-internals.ts';
import {
  Do,
  ImportCall,
  LoadCall,
  LoopControl,
  PySlice,
  PyTuple,
  StarArgs,
  StarKwargs,
  Subscript,
  With,
} from './nodes.ts';
import { lexBalanced, SyntaxProblem, type Token } from './lexer.ts';

const T = {
  LPAREN: lexer.TOKEN_LEFT_PAREN,
  RPAREN: lexer.TOKEN_RIGHT_PAREN,
  LBRACKET: lexer.TOKEN_LEFT_BRACKET,
  RBRACKET: lexer.TOKEN_RIGHT_BRACKET,
  LCURLY: lexer.TOKEN_LEFT_CURLY,
  RCURLY: lexer.TOKEN_RIGHT_CURLY,
  COMMA: lexer.TOKEN_COMMA,
  COLON: lexer.TOKEN_COLON,
  OPERATOR: lexer.TOKEN_OPERATOR,
  SYMBOL: lexer.TOKEN_SYMBOL,
  INT: lexer.TOKEN_INT,
};

/** The tag that closes each block tag. */
const END_TAG: Record<string, string> = {
  for: 'endfor',
  if: 'endif',
  macro: 'endmacro',
  call: 'endcall',
  filter: 'endfilter',
  set: 'endset',
  block: 'endblock',
  raw: 'endraw',
  with: 'endwith',
  verbatim: 'endverbatim',
  switch: 'endswitch',
  load_yaml: 'endload',
  load_json: 'endload',
  load_text: 'endload',
};

/** Tokens that start the argument of a test written without parentheses. */
const ARG_START = new Set([
  lexer.TOKEN_STRING,
  lexer.TOKEN_INT,
  lexer.TOKEN_FLOAT,
  lexer.TOKEN_BOOLEAN,
  lexer.TOKEN_NONE,
  lexer.TOKEN_SYMBOL,
  lexer.TOKEN_LEFT_BRACKET,
  lexer.TOKEN_LEFT_CURLY,
]);
const NOT_AN_ARG = new Set(['else', 'or', 'and', 'if', 'is', 'not', 'in']);

const LOAD_TAGS = new Set(['load_yaml', 'load_json', 'load_text']);
const IMPORT_TAGS = new Set(['import_yaml', 'import_json', 'import_text']);

interface OpenTag {
  name: string;
  lineno: number;
}

export class SaltParser extends BaseParser {
  private readonly open: OpenTag[] = [];
  private loops = 0;

  error(msg: string, lineno?: number, colno?: number): Error {
    let line = lineno;
    let col = colno;
    if (line === undefined) {
      const tok = this.peekToken() as Token | null;
      line = tok ? tok.lineno : (this.tokens as { lineno: number }).lineno;
      col = tok ? tok.colno : (this.tokens as { colno: number }).colno;
    }
    const m = /^unexpected token: (.*)$/.exec(msg);
    const text = m ? `expected an expression, got '${m[1]}'` : msg;
    return new SyntaxProblem(text, line + 1, (col ?? 0) + 1);
  }

  parseStatement(): AnyNode {
    const tok = this.peekToken() as Token | null;
    if (!tok || tok.type !== T.SYMBOL) return super.parseStatement();
    const breakOn = this.breakOnBlocks as string[] | null;
    if (breakOn && breakOn.includes(tok.value)) return null;
    this.open.push({ name: tok.value, lineno: tok.lineno });
    try {
      return this.statement(tok);
    } catch (e) {
      throw this.explainEof(e, tok);
    } finally {
      this.open.pop();
    }
  }

  private statement(tok: Token): AnyNode {
    const name = tok.value;
    if (name === 'do') {
      this.nextToken();
      const expr = this.parseExpression();
      this.advanceAfterBlockEnd(name);
      return new Do(tok.lineno, tok.colno, expr);
    }
    if (name === 'with') return this.parseWith(tok);
    if (name === 'set') return this.parseSetUnpacking(tok);
    if (name === 'break' || name === 'continue') {
      if (!this.loops) this.fail(`'${name}' is only allowed inside a for loop`, tok.lineno, tok.colno);
      this.nextToken();
      this.advanceAfterBlockEnd(name);
      return new LoopControl(tok.lineno, tok.colno, name);
    }
    if (name === 'for') {
      this.loops++;
      try {
        return super.parseStatement();
      } finally {
        this.loops--;
      }
    }
    if (name === 'macro' || name === 'call') {
      // a loop does not continue into a macro body
      const saved = this.loops;
      this.loops = 0;
      try {
        return super.parseStatement();
      } finally {
        this.loops = saved;
      }
    }
    if (LOAD_TAGS.has(name)) return this.parseLoad(tok);
    if (IMPORT_TAGS.has(name)) return this.parseImportData(tok);
    if (name.startsWith('end') || name === 'else' || name === 'elif') this.strayTag(tok);
    if (
      ![
        'raw',
        'verbatim',
        'if',
        'ifAsync',
        'for',
        'block',
        'extends',
        'include',
        'set',
        'macro',
        'call',
        'import',
        'from',
        'filter',
        'switch',
      ].includes(name)
    ) {
      this.fail(`unknown tag '${name}'`, tok.lineno, tok.colno);
    }
    return super.parseStatement();
  }

  /** An end tag (or else/elif) that does not close the innermost open block. */
  private strayTag(tok: Token): never {
    const outer = this.open
      .slice(0, -1)
      .reverse()
      .find((t) => END_TAG[t.name]);
    const msg = outer
      ? `unexpected '${tok.value}': the innermost open block is '${outer.name}' (line ${outer.lineno + 1}), which needs '${END_TAG[outer.name]}'`
      : `unexpected '${tok.value}': there is no open block to close`;
    throw this.error(msg, tok.lineno, tok.colno);
  }

  private explainEof(e: unknown, tok: Token): unknown {
    const msg = (e as Error | null)?.message ?? '';
    if (!/unexpected end of file|got end of file/.test(msg) || (e as { explained?: boolean }).explained) return e;
    const end = END_TAG[tok.value];
    if (!end) return e;
    const err = new SyntaxProblem(
      `unexpected end of template: the '${tok.value}' tag opened on line ${tok.lineno + 1} is never closed (expected '${end}')`,
      tok.lineno + 1,
      tok.colno + 1,
    );
    (err as unknown as { explained: boolean }).explained = true;
    return err;
  }

  /**
   * `{% set x = 1, 2 %}` (a tuple) and `{% set a, b = pair %}` (unpacking, as Python assigns),
   * besides nunjucks' `{% set x = v %}` and `{% set x %}…{% endset %}`.
   */
  private parseSetUnpacking(tok: Token): AnyNode {
    this.nextToken();
    const targets: AnyNode[] = [];
    do {
      const target = this.parsePrimary();
      if (!target) this.fail('set: expected a variable name', tok.lineno, tok.colno);
      targets.push(target);
    } while (this.skip(T.COMMA));
    if (!this.skipValue(T.OPERATOR, '=')) {
      if (!this.skip(lexer.TOKEN_BLOCK_END))
        this.fail("set: expected '=' or the end of the tag", tok.lineno, tok.colno);
      const body = new nodes.Capture(tok.lineno, tok.colno, this.parseUntilBlocks('endset'));
      this.advanceAfterBlockEnd();
      const node = new nodes.Set(tok.lineno, tok.colno, targets);
      node.body = body;
      node.value = null;
      return node;
    }
    let value = this.parseExpression();
    if ((this.peekToken() as Token).type === T.COMMA) {
      const items = [value];
      while (this.skip(T.COMMA) && (this.peekToken() as Token).type !== lexer.TOKEN_BLOCK_END)
        items.push(this.parseExpression());
      value = new PyTuple(tok.lineno, tok.colno, items);
    }
    this.advanceAfterBlockEnd('set');
    if (targets.length === 1) return new nodes.Set(tok.lineno, tok.colno, targets, value);
    // a, b = value: the value once, then each name from its place in it
    const held = `__unpacked_${tok.lineno}_${tok.colno}`;
    const list = new nodes.NodeList(tok.lineno, tok.colno);
    list.addChild(new nodes.Set(tok.lineno, tok.colno, [new nodes.Symbol(tok.lineno, tok.colno, held)], value));
    targets.forEach((target, i) => {
      const item = new Subscript(
        tok.lineno,
        tok.colno,
        new nodes.Symbol(tok.lineno, tok.colno, held),
        new nodes.Literal(tok.lineno, tok.colno, i),
      );
      list.addChild(new nodes.Set(tok.lineno, tok.colno, [target], item));
    });
    return list;
  }

  /** `{% with a = 1, b = x %}…{% endwith %}`: names visible only inside the block. */
  private parseWith(tok: Token): AnyNode {
    this.nextToken();
    const targets: AnyNode[] = [];
    const values: AnyNode[] = [];
    while (!this.skip(lexer.TOKEN_BLOCK_END)) {
      if (targets.length && !this.skip(T.COMMA))
        this.fail("expected ',' or the end of the 'with' tag", tok.lineno, tok.colno);
      const target = this.parsePrimary(true);
      if (!(target instanceof nodes.Symbol)) this.fail('with: expected a variable name', tok.lineno, tok.colno);
      if (!this.skipValue(T.OPERATOR, '='))
        this.fail(`with: expected '=' after '${target.value}'`, tok.lineno, tok.colno);
      targets.push(target);
      values.push(this.parseExpression());
    }
    const body = this.parseUntilBlocks('endwith');
    this.advanceAfterBlockEnd();
    return new With(tok.lineno, tok.colno, targets, values, body);
  }

  /** `{% load_yaml as name %}…{% endload %}` */
  private parseLoad(tok: Token): AnyNode {
    this.nextToken();
    if (!this.skipSymbol('as')) this.fail(`expected 'as' after ${tok.value}`, tok.lineno, tok.colno);
    const target = this.parsePrimary(true);
    if (!(target instanceof nodes.Symbol))
      this.fail(`${tok.value}: expected a variable name after 'as'`, tok.lineno, tok.colno);
    this.advanceAfterBlockEnd(tok.value);
    const body = this.parseUntilBlocks('endload');
    this.advanceAfterBlockEnd();
    const kind = new nodes.Literal(tok.lineno, tok.colno, tok.value.slice(5));
    const value = new LoadCall(tok.lineno, tok.colno, kind, new nodes.Capture(tok.lineno, tok.colno, body));
    return new nodes.Set(tok.lineno, tok.colno, [target], value);
  }

  /** `{% import_yaml 'file' as name [with context] %}` */
  private parseImportData(tok: Token): AnyNode {
    this.nextToken();
    const template = this.parseExpression();
    if (!this.skipSymbol('as')) this.fail(`expected 'as' after the file name of ${tok.value}`, tok.lineno, tok.colno);
    const target = this.parsePrimary(true);
    if (!(target instanceof nodes.Symbol))
      this.fail(`${tok.value}: expected a variable name after 'as'`, tok.lineno, tok.colno);
    const withContext = this.parseWithContext() === true;
    this.advanceAfterBlockEnd(tok.value);
    const kind = new nodes.Literal(tok.lineno, tok.colno, tok.value.slice(7));
    const value = new ImportCall(
      tok.lineno,
      tok.colno,
      template,
      kind,
      new nodes.Literal(tok.lineno, tok.colno, withContext),
    );
    return new nodes.Set(tok.lineno, tok.colno, [target], value);
  }

  /** `x is test`, `x is test(args)`, and Jinja's single argument without parentheses: `x is divisibleby 3`. */
  parseIs(): AnyNode {
    let node = this.parseCompare();
    if (!this.skipSymbol('is')) return node;
    const not = this.skipSymbol('not');
    const tok = this.nextToken() as Token | null;
    let name: string;
    if (tok && tok.type === T.SYMBOL) name = tok.value;
    else if (tok && tok.type === lexer.TOKEN_NONE) name = 'none';
    else if (tok && tok.type === lexer.TOKEN_BOOLEAN) name = tok.value;
    else
      throw this.error(
        `expected a test name after 'is', got ${tok ? `'${tok.value}'` : 'end of template'}`,
        tok?.lineno,
        tok?.colno,
      );
    const symbol = new nodes.Symbol(tok.lineno, tok.colno, name);
    const next = this.peekToken() as Token | null;
    let test: AnyNode = symbol;
    if (next && next.type === T.LPAREN) {
      test = new nodes.FunCall(tok.lineno, tok.colno, symbol, this.parseSignature());
    } else if (next && ARG_START.has(next.type) && !(next.type === T.SYMBOL && NOT_AN_ARG.has(next.value))) {
      const arg = this.parsePostfix(this.parsePrimary(true));
      test = new nodes.FunCall(tok.lineno, tok.colno, symbol, new nodes.NodeList(arg.lineno, arg.colno, [arg]));
    }
    node = new nodes.Is(node.lineno, node.colno, node, test);
    return not ? new nodes.Not(node.lineno, node.colno, node) : node;
  }

  /**
   * Call arguments and macro parameters, as nunjucks reads them plus Python's comma after the last
   * one (`f(a, b,)`, `{% macro m(x, y,) %}`), which real formula files (libtofs.jinja) use, and
   * Python's `*args` and `**kwargs` (libmatchers.jinja).
   */
  parseSignature(tolerant?: boolean, noParens?: boolean): AnyNode | null {
    let tok = this.peekToken() as Token;
    if (!noParens && tok.type !== T.LPAREN) {
      if (tolerant) return null;
      this.fail('expected arguments', tok.lineno, tok.colno);
    }
    if (tok.type === T.LPAREN) tok = this.nextToken() as Token;
    const args = new nodes.NodeList(tok.lineno, tok.colno);
    const kwargs = new nodes.KeywordArgs(tok.lineno, tok.colno);
    const atEnd = (): boolean => {
      const next = this.peekToken() as Token;
      if (noParens) return next.type === lexer.TOKEN_BLOCK_END;
      if (next.type !== T.RPAREN) return false;
      this.nextToken();
      return true;
    };
    for (let first = true; !atEnd(); first = false) {
      if (!first) {
        const at = this.peekToken() as Token;
        if (!this.skip(T.COMMA)) this.fail("expected ',' between arguments", at.lineno, at.colno);
        if (atEnd()) break;
      }
      const star = this.peekToken() as Token;
      if (star.type === T.OPERATOR && (star.value === '*' || star.value === '**')) {
        this.nextToken();
        const expr = this.parseExpression();
        if (star.value === '*') args.addChild(new StarArgs(star.lineno, star.colno, expr));
        else kwargs.addChild(new StarKwargs(star.lineno, star.colno, expr));
        continue;
      }
      const arg = this.parseExpression();
      if (this.skipValue(T.OPERATOR, '='))
        kwargs.addChild(new nodes.Pair(arg.lineno, arg.colno, arg, this.parseExpression()));
      else args.addChild(arg);
    }
    if (kwargs.children.length) args.addChild(kwargs);
    return args;
  }

  parsePostfix(node: AnyNode): AnyNode {
    let tok = this.peekToken() as Token | null;
    while (tok) {
      if (tok.type === T.LPAREN) {
        node = new nodes.FunCall(tok.lineno, tok.colno, node, this.parseSignature());
      } else if (tok.type === T.LBRACKET) {
        node = this.parseSubscript(node);
      } else if (tok.type === T.OPERATOR && tok.value === '.') {
        this.nextToken();
        const name = this.nextToken() as Token | null;
        if (name && name.type === T.SYMBOL) {
          node = new nodes.LookupVal(
            tok.lineno,
            tok.colno,
            node,
            new nodes.Literal(name.lineno, name.colno, name.value),
          );
        } else if (name && name.type === T.INT) {
          node = new Subscript(
            tok.lineno,
            tok.colno,
            node,
            new nodes.Literal(name.lineno, name.colno, Number(name.value)),
          );
        } else {
          this.fail(
            `expected an attribute name after '.', got ${name ? `'${name.value}'` : 'end of template'}`,
            tok.lineno,
            tok.colno,
          );
        }
      } else {
        break;
      }
      tok = this.peekToken() as Token | null;
    }
    return node;
  }

  private peekType(): string | undefined {
    return (this.peekToken() as Token | null)?.type;
  }

  /** `x[i]` or a slice `x[a:b:c]`. */
  private parseSubscript(target: AnyNode): AnyNode {
    const tok = this.nextToken() as Token;
    let start: AnyNode = null;
    let stop: AnyNode = null;
    let step: AnyNode = null;
    let slice = false;
    if (this.peekType() !== T.COLON && this.peekType() !== T.RBRACKET) start = this.parseExpression();
    if (this.skip(T.COLON)) {
      slice = true;
      if (this.peekType() !== T.COLON && this.peekType() !== T.RBRACKET) stop = this.parseExpression();
      if (this.skip(T.COLON) && this.peekType() !== T.RBRACKET) step = this.parseExpression();
    }
    if (!this.skip(T.RBRACKET)) this.fail(`expected ']' to close the subscript opened at column ${tok.colno + 1}`);
    if (slice) return new PySlice(tok.lineno, tok.colno, target, start, stop, step);
    if (!start) this.fail('expected an index or key inside [ ]', tok.lineno, tok.colno);
    return new Subscript(tok.lineno, tok.colno, target, start);
  }

  /** Lists, dicts, parenthesised expressions and tuples, with Python's trailing commas. */
  parseAggregate(): AnyNode {
    const tok = this.nextToken() as Token;
    let node: AnyNode;
    let close: string;
    let closeChar: string;
    switch (tok.type) {
      case T.LPAREN:
        node = new nodes.Group(tok.lineno, tok.colno);
        close = T.RPAREN;
        closeChar = ')';
        break;
      case T.LBRACKET:
        node = new nodes.Array(tok.lineno, tok.colno);
        close = T.RBRACKET;
        closeChar = ']';
        break;
      case T.LCURLY:
        node = new nodes.Dict(tok.lineno, tok.colno);
        close = T.RCURLY;
        closeChar = '}';
        break;
      default:
        return null;
    }
    let comma = false;
    for (;;) {
      if (this.skip(close)) break;
      if (node.children.length > 0) {
        if (!this.skip(T.COMMA)) {
          const next = this.peekToken() as Token | null;
          this.fail(
            `expected ',' or '${closeChar}', got ${next ? `'${next.value}'` : 'end of template'}`,
            next?.lineno,
            next?.colno,
          );
        }
        comma = true;
        if (this.skip(close)) break;
      }
      if (node instanceof nodes.Dict) {
        const key = this.parseExpression();
        if (!this.skip(T.COLON)) {
          const next = this.peekToken() as Token | null;
          this.fail(
            `expected ':' after dict key, got ${next ? `'${next.value}'` : 'end of template'}`,
            next?.lineno,
            next?.colno,
          );
        }
        node.addChild(new nodes.Pair(key.lineno, key.colno, key, this.parseExpression()));
      } else {
        node.addChild(this.parseExpression());
      }
    }
    if (node instanceof nodes.Group && (comma || node.children.length === 0)) {
      return new PyTuple(tok.lineno, tok.colno, node.children);
    }
    return node;
  }
}

/** Parses template source into a nunjucks syntax tree (the Root node). */
export function parseTemplate(src: string, opts: object): AnyNode {
  const p = new SaltParser(lexBalanced(src, opts));
  p.extensions = [];
  return p.parseAsRoot();
}
