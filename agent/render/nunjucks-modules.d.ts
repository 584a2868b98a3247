// nunjucks ships its AST transformer as an internal CommonJS module without typings.
declare module 'nunjucks/src/transformer.js' {
  const transformer: { transform(ast: unknown, asyncFilters: string[], name?: string): unknown };
  export default transformer;
}
