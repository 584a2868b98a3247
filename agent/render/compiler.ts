// Compiles the Jinja dialect to JavaScript on top of nunjucks' compiler, with Python semantics:
// operators, truthiness, lookups and printing go through runtime.ts, and every statement and
// expression that can fail records its line so errors point at the right file:line.
import { pyStr } from './pyvalue.ts';
import { BaseCompiler, nodes, transform, type AnyNode } from './nunjucks-internals.ts';
import { CUSTOM_NODES, Guard, LoopFilter, PyIter, Truthy } from './nodes.ts';
import { parseTemplate } from './parser.ts';

/** Statements: the line is recorded before they run. */
const STATEMENTS = new Set(['If', 'For', 'Set', 'Import', 'FromImport', 'Include', 'Do', 'With', 'Switch', 'Extends']);
/** Expressions that can fail: the line is recorded as they are evaluated. */
const TRACKED = new Set([
  'Filter',
  'LookupVal',
  'Subscript',
  'PySlice',
  'Compare',
  'In',
  'Is',
  'Add',
  'Sub',
  'Mul',
  'Div',
  'FloorDiv',
  'Mod',
  'Pow',
  'Concat',
  'Neg',
]);

const ARITH: Record<string, string> = {
  Add: 'add',
  Sub: 'sub',
  Mul: 'mul',
  Div: 'div',
  FloorDiv: 'floordiv',
  Mod: 'mod',
  Pow: 'pow',
};

/** What the compiler needs to know of the environment: the filters and tests that exist. */
export interface FilterHost {
  filters: Record<string, unknown>;
  tests: Record<string, unknown>;
}

type Frame = { push(): Frame; set(name: string, id: string): void; parent: unknown };

export class SaltCompiler extends BaseCompiler {
  private readonly host: FilterHost;

  constructor(name: string, host: FilterHost) {
    super(name, false);
    this.host = host;
  }

  private nameLiteral(): string {
    return JSON.stringify(this.templateName ?? '');
  }

  compile(node: AnyNode, frame?: Frame): void {
    const t = node.typename as string;
    if (STATEMENTS.has(t)) {
      this._emitLine(`lineno = ${node.lineno}; colno = ${node.colno};`);
      super.compile(node, frame);
    } else if (TRACKED.has(t)) {
      this._emit(`(lineno = ${node.lineno}, colno = ${node.colno}, `);
      super.compile(node, frame);
      this._emit(')');
    } else {
      super.compile(node, frame);
    }
  }

  assertType(node: AnyNode, ...types: unknown[]): void {
    if (node && CUSTOM_NODES.has(node.typename)) return;
    super.assertType(node, ...types);
  }

  _emitFuncEnd(noReturn?: boolean): void {
    if (!noReturn) this._emitLine(`cb(null, ${this.buffer});`);
    this._closeScopeLevels();
    this._emitLine('} catch (e) {');
    this._emitLine(`  cb(runtime.handleError(e, lineno, colno, ${this.nameLiteral()}));`);
    this._emitLine('}');
    this._emitLine('}');
    this.buffer = null;
  }

  _makeCallback(res?: string): string {
    const err = this._tmpid();
    return `function(${err}${res ? ',' + res : ''}) {\nif(${err}) { cb(runtime.handleError(${err}, lineno, colno, ${this.nameLiteral()})); return; }`;
  }

  _getNodeName(node: AnyNode): string {
    switch (node.typename) {
      case 'Symbol':
        return node.value;
      case 'LookupVal':
        return node.val instanceof nodes.Literal
          ? `${this._getNodeName(node.target)}.${node.val.value}`
          : `${this._getNodeName(node.target)}[…]`;
      case 'Subscript':
        return `${this._getNodeName(node.target)}[${node.val instanceof nodes.Literal ? this._getNodeName(node.val) : '…'}]`;
      case 'FunCall':
        return `${this._getNodeName(node.name)}()`;
      case 'Literal': {
        const text = typeof node.value === 'string' ? `'${node.value}'` : pyStr(node.value);
        return (text.length > 30 ? text.slice(0, 27) + '...' : text).replace(/[\\"\n\r\u2028\u2029]/g, '?');
      }
      default:
        return '(expression)';
    }
  }

  compileOutput(node: AnyNode, frame: Frame): void {
    for (const child of node.children) {
      if (child instanceof nodes.TemplateData) {
        if (child.value) {
          this._emit(`${this.buffer} += `);
          this.compileLiteral(child, frame);
          this._emitLine(';');
        }
        continue;
      }
      this._emitLine(`lineno = ${child.lineno}; colno = ${child.colno}; runtime.clearMiss();`);
      this._emit(`${this.buffer} += runtime.output(`);
      this.compile(child, frame);
      this._emitLine(');');
    }
  }

  private call(fn: string, args: AnyNode[], frame: Frame): void {
    this._emit(`runtime.${fn}(`);
    args.forEach((a, i) => {
      if (i) this._emit(', ');
      if (a === null || a === undefined) this._emit('null');
      else this._compileExpression(a, frame);
    });
    this._emit(')');
  }

  compileLookupVal(node: AnyNode, frame: Frame): void {
    this.call('attr', [node.target, node.val], frame);
  }

  compileSubscript(node: AnyNode, frame: Frame): void {
    this.call('item', [node.target, node.val], frame);
  }

  compilePySlice(node: AnyNode, frame: Frame): void {
    this.call('slice', [node.target, node.start, node.stop, node.step], frame);
  }

  compilePyTuple(node: AnyNode, frame: Frame): void {
    this._compileAggregate(node, frame, 'runtime.tuple([', '])');
  }

  compileDict(node: AnyNode, frame: Frame): void {
    const keyword = node.typename === 'KeywordArgs';
    const pairs = node.children as AnyNode[];
    const literal =
      keyword ||
      pairs.every(
        (p) =>
          p.key instanceof nodes.Literal &&
          ['string', 'number', 'boolean'].includes(typeof p.key.value) &&
          pyStr(p.key.value) !== '__proto__',
      );
    if (literal) {
      this._emit('{');
      pairs.forEach((p, i) => {
        if (i) this._emit(', ');
        if (p.typename === 'StarKwargs') {
          this.compileStarKwargs(p, frame);
          return;
        }
        this._emit(`${JSON.stringify(keyword ? p.key.value : pyStr(p.key.value))}: `);
        this._compileExpression(p.value, frame);
      });
      this._emit('}');
      return;
    }
    this._emit('runtime.dict([');
    pairs.forEach((p, i) => {
      if (i) this._emit(', ');
      this._compileExpression(p.key, frame);
      this._emit(', ');
      this._compileExpression(p.value, frame);
    });
    this._emit('])');
  }

  /** `*seq` in a call: spread into the argument array. */
  compileStarArgs(node: AnyNode, frame: Frame): void {
    this._emit('...');
    this.call('starArgs', [node.expr], frame);
  }

  /** `**mapping` in a call: spread into the keyword-argument object. */
  compileStarKwargs(node: AnyNode, frame: Frame): void {
    this._emit('...');
    this.call('starKwargs', [node.expr], frame);
  }

  compileInlineIf(node: AnyNode, frame: Frame): void {
    this._emit('(runtime.truthy(');
    this._compileExpression(node.cond, frame);
    this._emit(') ? ');
    this._compileExpression(node.body, frame);
    this._emit(' : ');
    if (node.else_ !== null) this._compileExpression(node.else_, frame);
    else this._emit(`runtime.noElse(${node.lineno})`);
    this._emit(')');
  }

  compileOr(node: AnyNode, frame: Frame): void {
    this._emit('(runtime.truthy(runtime.s = ');
    this._compileExpression(node.left, frame);
    this._emit(') ? runtime.s : ');
    this._compileExpression(node.right, frame);
    this._emit(')');
  }

  compileAnd(node: AnyNode, frame: Frame): void {
    this._emit('(runtime.truthy(runtime.s = ');
    this._compileExpression(node.left, frame);
    this._emit(') ? ');
    this._compileExpression(node.right, frame);
    this._emit(' : runtime.s)');
  }

  compileNot(node: AnyNode, frame: Frame): void {
    this._emit('!runtime.truthy(');
    this._compileExpression(node.target, frame);
    this._emit(')');
  }

  compileTruthy(node: AnyNode, frame: Frame): void {
    this.call('truthy', [node.expr], frame);
  }

  compileIf(node: AnyNode, frame: Frame, async?: boolean): void {
    if (!(node.cond instanceof Truthy)) node.cond = new Truthy(node.cond.lineno, node.cond.colno, node.cond);
    super.compileIf(node, frame, async);
  }

  compileCompare(node: AnyNode, frame: Frame): void {
    const ops = node.ops as AnyNode[];
    if (ops.length > 1) this._emit('(');
    ops.forEach((op, i) => {
      if (i) this._emit(' && ');
      this._emit('runtime.cmp(');
      this._compileExpression(i === 0 ? node.expr : ops[i - 1].expr, frame);
      this._emit(`, ${JSON.stringify(op.type)}, `);
      this._compileExpression(op.expr, frame);
      this._emit(')');
    });
    if (ops.length > 1) this._emit(')');
  }

  compileIs(node: AnyNode, frame: Frame): void {
    const name = node.right.name ? node.right.name.value : node.right.value;
    if (!(name in this.host.tests)) this.fail(`no test named '${name}'`, node.lineno, node.colno);
    this._emit(`env.getTest(${JSON.stringify(name)}).call(context, `);
    this._compileExpression(node.left, frame);
    for (const arg of node.right.args ? (node.right.args.children as AnyNode[]) : []) {
      this._emit(', ');
      this._compileExpression(arg, frame);
    }
    this._emit(') === true');
  }

  compileFilter(node: AnyNode, frame: Frame): void {
    const name = node.name.value;
    if (!(name in this.host.filters)) this.fail(`no filter named '${name}'`, node.lineno, node.colno);
    super.compileFilter(node, frame);
  }

  compileAdd(node: AnyNode, frame: Frame): void {
    this.call(ARITH.Add, [node.left, node.right], frame);
  }
  compileSub(node: AnyNode, frame: Frame): void {
    this.call(ARITH.Sub, [node.left, node.right], frame);
  }
  compileMul(node: AnyNode, frame: Frame): void {
    this.call(ARITH.Mul, [node.left, node.right], frame);
  }
  compileDiv(node: AnyNode, frame: Frame): void {
    this.call(ARITH.Div, [node.left, node.right], frame);
  }
  compileFloorDiv(node: AnyNode, frame: Frame): void {
    this.call(ARITH.FloorDiv, [node.left, node.right], frame);
  }
  compileMod(node: AnyNode, frame: Frame): void {
    this.call(ARITH.Mod, [node.left, node.right], frame);
  }
  compilePow(node: AnyNode, frame: Frame): void {
    this.call(ARITH.Pow, [node.left, node.right], frame);
  }
  compileConcat(node: AnyNode, frame: Frame): void {
    this.call('concat', [node.left, node.right], frame);
  }
  compileNeg(node: AnyNode, frame: Frame): void {
    this.call('neg', [node.target], frame);
  }

  compileFor(node: AnyNode, frame: Frame): void {
    if (!(node.arr instanceof PyIter)) {
      const names = node.name instanceof nodes.Array ? node.name.children.length : 1;
      let arr = node.arr;
      if (arr instanceof nodes.InlineIf && arr.else_ === null) {
        arr = new LoopFilter(arr.lineno, arr.colno, arr.body, node.name, arr.cond);
      }
      node.arr = new PyIter(arr.lineno, arr.colno, arr, names);
    }
    super.compileFor(node, frame);
  }

  /** nunjucks' loop variables, plus Jinja's previtem, nextitem, cycle and depth. */
  _emitLoopBindings(node: AnyNode, arr: string, i: string, len: string): void {
    super._emitLoopBindings(node, arr, i, len);
    this._emitLine(`frame.set("loop.previtem", ${i} > 0 && runtime.isArray(${arr}) ? ${arr}[${i} - 1] : undefined);`);
    this._emitLine(
      `frame.set("loop.nextitem", ${i} < ${len} - 1 && runtime.isArray(${arr}) ? ${arr}[${i} + 1] : undefined);`,
    );
    this._emitLine(`frame.set("loop.cycle", runtime.loopCycle(${i}));`);
    this._emitLine('frame.set("loop.depth", 1); frame.set("loop.depth0", 0);');
  }

  compilePyIter(node: AnyNode, frame: Frame): void {
    this._emit('runtime.iter(');
    this._compileExpression(node.arr, frame);
    this._emit(`, ${node.names})`);
  }

  compileLoopFilter(node: AnyNode, frame: Frame): void {
    const item = this._tmpid();
    const inner = frame.push();
    const names = node.name instanceof nodes.Array ? (node.name.children as AnyNode[]) : [node.name];
    if (names.length === 1) inner.set(names[0].value, item);
    else names.forEach((n, i) => inner.set(n.value, `${item}[${i}]`));
    this._emit('runtime.loopFilter(');
    this._compileExpression(node.arr, frame);
    this._emit(`, function(${item}) { return runtime.truthy(`);
    this._compileExpression(node.cond, inner);
    this._emit(`); }, ${names.length})`);
  }

  compileSet(node: AnyNode, frame: Frame): void {
    const target = node.targets[0];
    if (node.targets.length === 1 && target instanceof nodes.LookupVal && node.value) {
      this._emit('runtime.setAttr(');
      this._compileExpression(target.target, frame);
      this._emit(', ');
      this._compileExpression(target.val, frame);
      this._emit(', ');
      this._compileExpression(node.value, frame);
      this._emitLine(');');
      return;
    }
    for (const t of node.targets) {
      if (!(t instanceof nodes.Symbol))
        this.fail('can only assign to a name or to an attribute of a namespace', t.lineno, t.colno);
    }
    super.compileSet(node, frame);
  }

  compileDo(node: AnyNode, frame: Frame): void {
    this._compileExpression(node.expr, frame);
    this._emitLine(';');
  }

  compileWith(node: AnyNode, frame: Frame): void {
    const ids = (node.values as AnyNode[]).map((v) => {
      const id = this._tmpid();
      this._emit(`var ${id} = `);
      this._compileExpression(v, frame);
      this._emitLine(';');
      return id;
    });
    const inner = frame.push();
    this._emitLine('frame = frame.push();');
    (node.targets as AnyNode[]).forEach((target, i) => {
      inner.set(target.value, ids[i]);
      this._emitLine(`frame.set(${JSON.stringify(target.value)}, ${ids[i]});`);
    });
    this.compile(node.body, inner);
    this._emitLine('frame = frame.pop();');
  }

  compileLoopControl(node: AnyNode): void {
    this._emitLine(`${node.kind};`);
  }

  compileLoadCall(node: AnyNode, frame: Frame): void {
    this._emit(`runtime.loadData(${JSON.stringify(node.kind.value)}, `);
    this.compile(node.body, frame);
    this._emit(`, ${node.lineno})`);
  }

  compileImportCall(node: AnyNode, frame: Frame): void {
    this._emit('runtime.importData(env, context, frame, ');
    this._compileExpression(node.template, frame);
    this._emit(
      `, ${this._templateName()}, ${JSON.stringify(node.kind.value)}, ${node.withContext.value ? 'true' : 'false'})`,
    );
  }

  compileFromImport(node: AnyNode, frame: Frame): void {
    const tmpl = this._compileGetTemplate(node, frame, false, false);
    this._addScopeLevel();
    const path = this._tmpid();
    this._emitLine(`var ${path} = ${tmpl}.path;`);
    this._emitLine(
      `${tmpl}.getExported(${node.withContext ? 'context.getVariables(), frame, ' : ''}${this._makeCallback(tmpl)}`,
    );
    this._addScopeLevel();
    const entries = (node.names.children as AnyNode[]).map((n) =>
      n instanceof nodes.Pair
        ? { name: n.key.value as string, alias: n.value.value as string }
        : { name: n.value as string, alias: n.value as string },
    );
    const values = this._tmpid();
    this._emitLine(
      `var ${values} = runtime.importNames(${tmpl}, ${JSON.stringify(entries.map((e) => e.name))}, ${path});`,
    );
    entries.forEach(({ alias }, i) => {
      const id = this._tmpid();
      this._emitLine(`var ${id} = ${values}[${i}];`);
      frame.set(alias, id);
      this._emitLine(
        frame.parent
          ? `frame.set(${JSON.stringify(alias)}, ${id});`
          : `context.setVariable(${JSON.stringify(alias)}, ${id});`,
      );
    });
  }

  _compileMacro(node: AnyNode, frame?: Frame): string {
    if (!(node.body instanceof Guard)) node.body = new Guard(node.lineno, node.colno, node.body);
    return super._compileMacro(node, frame);
  }

  compileGuard(node: AnyNode, frame: Frame): void {
    this._emitLine('try {');
    this.compile(node.body, frame);
    this._emitLine(`} catch (e) { throw runtime.handleError(e, lineno, colno, ${this.nameLiteral()}); }`);
  }
}

/** Compiles template source to the JavaScript source of its render functions. */
export function compileTemplate(src: string, name: string, host: FilterHost, opts: object): string {
  const ast = transform(parseTemplate(src, opts), name);
  const c = new SaltCompiler(name, host);
  c.compile(ast);
  return c.getCode() as string;
}
