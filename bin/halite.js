#!/usr/bin/env node
// The `halite` command.
import { run } from './load-cli.js';

await run(process.argv.slice(2));
