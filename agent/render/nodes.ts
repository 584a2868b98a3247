// Syntax-tree nodes of the Jinja constructs nunjucks lacks. Each compiles in compiler.ts.
import { nodes } from './nunjucks-internals.ts';

const { Node, LookupVal, NodeList } = nodes;

/** `x[key]`: item lookup (dict keys before attributes, unlike `x.key`). */
export const Subscript = LookupVal.extend('Subscript');
/** `x[a:b:c]`. */
export const PySlice = Node.extend('PySlice', { fields: ['target', 'start', 'stop', 'step'] });
/** `(a, b)`: a tuple. */
export const PyTuple = NodeList.extend('PyTuple');
/** `{% do expr %}`. */
export const Do = Node.extend('Do', { fields: ['expr'] });
/** `{% with a = x %}…{% endwith %}`. */
export const With = Node.extend('With', { fields: ['targets', 'values', 'body'] });
/** `{% break %}` / `{% continue %}`. */
export const LoopControl = Node.extend('LoopControl', { fields: ['kind'] });
/** The deserialised body of `{% load_yaml as x %}…{% endload %}`. */
export const LoadCall = Node.extend('LoadCall', { fields: ['kind', 'body'] });
/** The deserialised rendering of `{% import_yaml 'f' as x %}`. */
export const ImportCall = Node.extend('ImportCall', { fields: ['template', 'kind', 'withContext'] });
/** Python truthiness of a condition. */
export const Truthy = Node.extend('Truthy', { fields: ['expr'] });
/** What a `for` iterates (dict keys for one loop variable). */
export const PyIter = Node.extend('PyIter', { fields: ['arr', 'names'] });
/** `for x in seq if cond`: the filtered sequence. */
export const LoopFilter = Node.extend('LoopFilter', { fields: ['arr', 'name', 'cond'] });
/** A macro body whose errors are located in the macro's own file. */
export const Guard = Node.extend('Guard', { fields: ['body'] });

/** `*seq` among a call's arguments: its items as positional arguments. */
export const StarArgs = Node.extend('StarArgs', { fields: ['expr'] });
/** `**mapping` among a call's arguments: its items as keyword arguments. */
export const StarKwargs = Node.extend('StarKwargs', { fields: ['expr'] });

/** Node types compiled here that nunjucks' own type assertions do not know. */
export const CUSTOM_NODES = new Set([
  'Subscript',
  'PySlice',
  'PyTuple',
  'LoadCall',
  'ImportCall',
  'Truthy',
  'PyIter',
  'LoopFilter',
  'StarArgs',
  'StarKwargs',
]);
