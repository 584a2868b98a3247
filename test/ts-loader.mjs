// How the tests run TypeScript: `node --import=./test/ts-loader.mjs file.test.ts` (tap's node-arg
// in package.json). Registers ts-hooks.mjs, which strips the types of each .ts module.
import { register } from 'node:module';

register('./ts-hooks.mjs', import.meta.url);
