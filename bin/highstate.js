#!/usr/bin/env node
// `highstate …` is `halite highstate …`.
import { run } from './load-cli.js';

await run(['highstate', ...process.argv.slice(2)]);
