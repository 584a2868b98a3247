// Starts the agent bundle with V8's code cache: `node -e <CODE_CACHE_LOADER> BUNDLE ARGS…`
// compiles BUNDLE with the cached code in BUNDLE.v8 when V8 accepts it, and otherwise writes a
// fresh cache when the process exits (after the run, so the functions the run compiled lazily are
// in it). Compiling the bundle is a large part of the agent's start on Node 18, which has no
// compile cache of its own. process.argv inside the bundle is [node, BUNDLE, ARGS…], as with
// `node BUNDLE ARGS…`. A cache that cannot be read or written only costs the time it would save.
export const CODE_CACHE_SUFFIX = '.v8';

export const CODE_CACHE_LOADER = [
  "const fs=require('fs'),vm=require('vm'),path=require('path'),M=require('module');",
  'const f=process.argv[1],c=f+' + JSON.stringify(CODE_CACHE_SUFFIX) + ';',
  'let d;try{d=fs.readFileSync(c)}catch{}',
  "const s=new vm.Script(M.wrap(fs.readFileSync(f,'utf8')),{filename:f,cachedData:d});",
  'if(!d||s.cachedDataRejected)process.once("exit",()=>{try{const t=c+"."+process.pid;fs.writeFileSync(t,s.createCachedData(),{mode:0o644});fs.renameSync(t,c)}catch{}});',
  'const m=new M(f,null);m.filename=f;m.paths=M._nodeModulePaths(path.dirname(f));',
  's.runInThisContext().call(m.exports,m.exports,(id)=>m.require(id),m,f,path.dirname(f));',
].join('');
