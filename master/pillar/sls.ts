// One pillar SLS rendered with its includes; shared with the agent (agent/pillar/sls.ts).
export * from '../../agent/pillar/sls.ts';
