// Redaction of secret values; shared with the agent (agent/redact.ts).
export * from '../agent/redact.ts';
