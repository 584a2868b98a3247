// The file state module: function name → function.
import type { StateModule } from '../types.ts';
import { managed } from './managed.ts';
import { directory } from './directory.ts';
import { absent } from './absent.ts';
import { symlink } from './symlink.ts';
import { exists, missing, touch } from './exists.ts';
import { append } from './append.ts';
import { replace } from './replace.ts';
import { comment, uncomment } from './comment.ts';
import { line } from './line.ts';
import { blockreplace } from './blockreplace.ts';
import { keyvalue } from './keyvalue.ts';
import { recurse } from './recurse.ts';

const fileModule: StateModule = {
  managed,
  directory,
  absent,
  symlink,
  exists,
  missing,
  touch,
  append,
  replace,
  comment,
  uncomment,
  line,
  blockreplace,
  keyvalue,
  recurse,
};

export default fileModule;
