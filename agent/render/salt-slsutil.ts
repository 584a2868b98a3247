// The `salt[...]` functions of Salt's slsutil, log and file modules that compute from their
// arguments alone: serialising data (slsutil.serialize), merging, logging from a template, paths.
import { Document, isScalar, visit } from 'yaml';
import posix from 'node:path/posix';
import type { RenderContext, TemplateLogLevel } from './context.ts';
import type { KwArgs } from './pyargs.ts';
import { deepCopy, dictKeys, dictUpdate, isDict, pyBool, pyStr, strValue, isStr, type Dict } from './pyvalue.ts';
import { pyJsonDumps } from './serialize.ts';
import { loadData } from './data-load.ts';

export interface SaltSpec {
  params: string[];
  defaults?: KwArgs;
  varKw?: boolean;
  impl: (a: KwArgs) => unknown;
}

function sortedDeep(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortedDeep);
  if (!isDict(v)) return isStr(v) ? strValue(v) : v;
  const out: Dict = {};
  for (const k of dictKeys(v).sort()) out[k] = sortedDeep(v[k]);
  return out;
}

/**
 * PyYAML's yaml.dump as Salt's yaml serializer calls it: keys sorted unless `sort_keys=False`;
 * `default_flow_style` None (Salt's default) writes collections of scalars in flow style and the
 * rest in block style, False writes everything in block style, True everything in flow style.
 */
export function yamlDump(value: unknown, flowStyle: boolean | null, sortKeys: boolean): string {
  const doc = new Document(sortKeys ? sortedDeep(value) : deepCopy(value));
  visit(doc, {
    Map(_, n) {
      n.flow = flowStyle ?? n.items.every((p) => isScalar(p.value));
    },
    Seq(_, n) {
      n.flow = flowStyle ?? n.items.every((i) => isScalar(i));
    },
  });
  return doc.toString({ indent: 2, indentSeq: false, lineWidth: 0, flowCollectionPadding: false }).replace(/\n$/, '');
}

const SERIALIZERS = ['yaml', 'json'];

function serialize(a: KwArgs): string {
  const name = pyStr(a.serializer);
  const kw = a['**'] as KwArgs;
  if (name === 'yaml') {
    const flow =
      kw.default_flow_style === undefined || kw.default_flow_style === null ? null : pyBool(kw.default_flow_style);
    return yamlDump(a.obj, flow, kw.sort_keys === undefined ? true : pyBool(kw.sort_keys));
  }
  if (name === 'json') {
    const indent = kw.indent === undefined || kw.indent === null ? null : Number(kw.indent);
    return pyJsonDumps(a.obj, { sortKeys: pyBool(kw.sort_keys ?? false), indent });
  }
  throw new Error(`Serializer '${name}' not found (here: ${SERIALIZERS.join(', ')})`);
}

function deserialize(a: KwArgs): unknown {
  const name = pyStr(a.serializer);
  if (name !== 'yaml' && name !== 'json')
    throw new Error(`Serializer '${name}' not found (here: ${SERIALIZERS.join(', ')})`);
  return loadData(name, pyStr(a.stream_or_string), 1);
}

function mergeDicts(a: unknown, b: unknown, strategy: string, mergeLists: boolean, what: string): Dict {
  if (!isDict(a) || !isDict(b)) throw new Error(`${what}: both arguments must be dictionaries`);
  if (strategy === 'overwrite') return { ...deepCopy(a), ...deepCopy(b) };
  return dictUpdate(deepCopy(a), deepCopy(b), mergeLists);
}

/**
 * Salt's log module: each function logs its message and returns True. Debug and info are below
 * the minion's default level and dropped; the others go to the render's log when it has one.
 */
function logFunctions(ctx: RenderContext): Record<string, SaltSpec> {
  const levels: Array<[string, TemplateLogLevel | undefined]> = [
    ['debug', undefined],
    ['info', undefined],
    ['warning', 'warning'],
    ['error', 'error'],
    ['critical', 'critical'],
    ['exception', 'error'],
  ];
  return Object.fromEntries(
    levels.map(([name, level]) => [
      `log.${name}`,
      {
        params: ['message'],
        impl: (a: KwArgs) => {
          if (level) ctx.log?.(level, pyStr(a.message));
          return true;
        },
      },
    ]),
  );
}

export function utilitySpecs(ctx: RenderContext): Record<string, SaltSpec> {
  return {
    ...logFunctions(ctx),
    'slsutil.merge': {
      params: ['obj_a', 'obj_b', 'strategy', 'renderer', 'merge_lists'],
      defaults: { strategy: 'smart', renderer: 'yaml', merge_lists: false },
      impl: (a) => mergeDicts(a.obj_a, a.obj_b, pyStr(a.strategy), pyBool(a.merge_lists), 'slsutil.merge'),
    },
    'slsutil.merge_all': {
      params: ['lst', 'strategy', 'renderer', 'merge_lists'],
      defaults: { strategy: 'smart', renderer: 'yaml', merge_lists: false },
      impl: (a) => {
        if (!Array.isArray(a.lst)) throw new Error('slsutil.merge_all: lst must be a list');
        let out: Dict = {};
        for (const o of a.lst) out = mergeDicts(out, o, pyStr(a.strategy), pyBool(a.merge_lists), 'slsutil.merge_all');
        return out;
      },
    },
    'slsutil.update': {
      params: ['dest', 'upd', 'recursive_update', 'merge_lists'],
      defaults: { recursive_update: true, merge_lists: false },
      impl: (a) => {
        if (!isDict(a.dest) || !isDict(a.upd)) throw new Error('slsutil.update: dest and upd must be dictionaries');
        if (!pyBool(a.recursive_update)) return Object.assign(a.dest, a.upd);
        return dictUpdate(a.dest, a.upd, pyBool(a.merge_lists));
      },
    },
    'slsutil.serialize': { params: ['serializer', 'obj'], varKw: true, impl: serialize },
    'slsutil.deserialize': { params: ['serializer', 'stream_or_string'], varKw: true, impl: deserialize },
    'slsutil.boolstr': {
      params: ['value', 'true', 'false'],
      defaults: { true: 'true', false: 'false' },
      impl: (a) => (pyBool(a.value) ? a.true : a.false),
    },
    'file.join': {
      params: ['*args'],
      impl: (a) => {
        const parts = (a.args as unknown[]).map(pyStr);
        let out = '';
        for (const p of parts) out = p.startsWith('/') || out === '' ? p : out.endsWith('/') ? out + p : `${out}/${p}`;
        return out;
      },
    },
    'file.dirname': { params: ['path'], impl: (a) => posixDirname(pyStr(a.path)) },
    'file.basename': { params: ['path'], impl: (a) => pyStr(a.path).slice(pyStr(a.path).lastIndexOf('/') + 1) },
    'file.normpath': { params: ['path'], impl: (a) => posix.normalize(pyStr(a.path)).replace(/\/$/, '') || '/' },
  };
}

/** Python's os.path.dirname: everything before the last slash, trailing slashes kept off unless all. */
function posixDirname(p: string): string {
  const head = p.slice(0, p.lastIndexOf('/') + 1);
  return head && !/^\/+$/.test(head) ? head.replace(/\/+$/, '') : head;
}
