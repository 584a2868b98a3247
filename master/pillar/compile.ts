// Pillar compilation on the master, per host, from roster grains only. The compiler is shared with
// the agent's local mode and lives in agent/pillar/compile.ts.
export * from '../../agent/pillar/compile.ts';
