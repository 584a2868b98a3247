// The nunjucks environment: Jinja compatibility, loader over the state tree, Salt's filters.
import nunjucks from 'nunjucks';
import type { StateTree } from '../tree.ts';

let compatInstalled = false;

class TreeLoader extends nunjucks.Loader {
  constructor(private readonly tree: StateTree) {
    super();
  }
  getSource(name: string): nunjucks.LoaderSource {
    const path = name.replace(/^salt:\/\//, '').replace(/^\/+/, '');
    const src = this.tree.read(path);
    if (src === undefined) throw new Error(`template not found: ${name}`);
    return { src, path, noCache: false };
  }
}

export function makeEnvironment(tree: StateTree): nunjucks.Environment {
  if (!compatInstalled) {
    nunjucks.installJinjaCompat();
    compatInstalled = true;
  }
  const env = new nunjucks.Environment(new TreeLoader(tree), { autoescape: false, throwOnUndefined: false, trimBlocks: false, lstripBlocks: false });
  env.addFilter('json', (v: unknown) => JSON.stringify(v));
  env.addFilter('tojson', (v: unknown) => JSON.stringify(v));
  env.addFilter('yaml', (v: unknown) => JSON.stringify(v));
  return env;
}
