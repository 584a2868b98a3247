// Module hooks of a batch (batch.mjs registers them): 'tap' imported by a test file or a test helper
// resolves to batch.mjs, whose `t` is the subtest of the file running now. batch.mjs itself and
// the packages in node_modules get tap's own module.
const BATCH = new URL('./batch.mjs', import.meta.url).href;

export async function resolve(specifier, context, nextResolve) {
  const parent = context.parentURL ?? '';
  if (specifier === 'tap' && parent !== BATCH && !parent.includes('/node_modules/')) {
    return { url: BATCH, format: 'module', shortCircuit: true };
  }
  return nextResolve(specifier, context);
}
