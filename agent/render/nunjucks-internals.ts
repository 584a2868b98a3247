// Typed access to the parts of nunjucks that are not in its public typings: the lexer, parser,
// compiler, node classes and transformer, which the Jinja dialect in compiler.ts builds on.
import nunjucks from 'nunjucks';
import transformer from 'nunjucks/src/transformer.js';

/* eslint-disable @typescript-eslint/no-explicit-any */
export type AnyNode = any;
export type AnyClass = new (...args: any[]) => any;

const internals = nunjucks as unknown as {
  nodes: Record<string, AnyClass & { extend(name: string, props?: object): AnyClass }>;
  lexer: { lex(src: string, opts?: object): unknown } & Record<string, string>;
  parser: { Parser: AnyClass };
  compiler: { Compiler: AnyClass };
  runtime: { Frame: AnyClass };
};

export const nodes = internals.nodes;
export const lexer = internals.lexer;
export const BaseParser = internals.parser.Parser;
export const BaseCompiler = internals.compiler.Compiler;
export const Frame = internals.runtime.Frame;
export const transform = (ast: AnyNode, name: string): AnyNode => transformer.transform(ast, [], name);
export const BaseTemplate = nunjucks.Template as unknown as AnyClass;
export const BaseEnvironment = nunjucks.Environment as unknown as AnyClass;
