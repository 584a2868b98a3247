// Starts the agent bundle with V8's code cache: `node -e <CODE_CACHE_LOADER> BUNDLE ARGS…`
// compiles BUNDLE with the cached code in BUNDLE.v8 when V8 accepts it, and otherwise writes a
// fresh cache when the process exits (after the run, so the functions the run compiled lazily are
// in it), or earlier when the bundle asks for it (writeCodeCacheNow: before a resident agent is
// started, so it starts from the cache too). Compiling the bundle is a large part of the agent's
// start on Node 18, which has no compile cache of its own. process.argv inside the bundle is
// [node, BUNDLE, ARGS…], as with `node BUNDLE ARGS…`. A cache that cannot be read or written only
// costs the time it would save.
export const CODE_CACHE_SUFFIX = '.v8';

/** Where the loader leaves its writer for the bundle (a registered symbol: one per process). */
const WRITER = 'halite.codeCache.write';

export const CODE_CACHE_LOADER = [
  "const fs=require('fs'),vm=require('vm'),path=require('path'),M=require('module');",
  'const f=process.argv[1],c=f+' + JSON.stringify(CODE_CACHE_SUFFIX) + ';',
  'let d;try{d=fs.readFileSync(c)}catch{}',
  "const s=new vm.Script(M.wrap(fs.readFileSync(f,'utf8')),{filename:f,cachedData:d});",
  'if(!d||s.cachedDataRejected){let w=0;const W=()=>{if(w)return;w=1;try{const t=c+"."+process.pid;fs.writeFileSync(t,s.createCachedData(),{mode:0o644});fs.renameSync(t,c)}catch{}};',
  'process.once("exit",W);globalThis[Symbol.for(' + JSON.stringify(WRITER) + ')]=W}',
  'const m=new M(f,null);m.filename=f;m.paths=M._nodeModulePaths(path.dirname(f));',
  's.runInThisContext().call(m.exports,m.exports,(id)=>m.require(id),m,f,path.dirname(f));',
].join('');

/**
 * Writes the code cache now when this process was started by the loader without an accepted
 * cache (otherwise nothing to do); the exit hook then does not write it again.
 */
export function writeCodeCacheNow(): void {
  const write = (globalThis as Record<symbol, unknown>)[Symbol.for(WRITER)];
  if (typeof write === 'function') write();
}
