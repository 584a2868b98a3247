// Redaction of secret values; shared with the agent (agent/pillar/redact.ts).
export * from '../../agent/pillar/redact.ts';
