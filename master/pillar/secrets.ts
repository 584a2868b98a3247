// Secrets of a compiled pillar; shared with the agent (agent/pillar/secrets.ts).
export * from '../../agent/pillar/secrets.ts';
