// The `halite` command's script, for starting halite processes in the background (the connection
// keeper). This module sits one directory below the project root, as the bundle in dist/ does.
import { fileURLToPath } from 'node:url';

export const HALITE_BIN = fileURLToPath(new URL('../bin/halite.js', import.meta.url));
