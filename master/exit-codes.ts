// Process exit codes of the `halite` command (see docs/exit-codes.md). The table is shared with
// the agent and lives in agent/exit-codes.ts.
export * from '../agent/exit-codes.ts';
