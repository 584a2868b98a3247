// What the master logs in with, from the configuration: the key file (none when the ssh-agent
// alone will do), its passphrase and the agent's socket. OpenSSH's habit: with ssh.key unset, the
// agent's keys are offered, and the default key file too when it exists.
import { existsSync } from 'node:fs';
import type { HaliteConfig } from '../config/halite-yaml.ts';

export interface Login {
  key?: string;
  passphrase?: string;
  agent?: string;
}

export function loginFor(config: Pick<HaliteConfig, 'ssh'>): Login {
  const { ssh } = config;
  const agentOnly = ssh.agentSocket !== undefined && ssh.keyLine === undefined && !existsSync(ssh.key);
  return {
    ...(agentOnly ? {} : { key: ssh.key }),
    ...(ssh.passphrase ? { passphrase: ssh.passphrase } : {}),
    ...(ssh.agentSocket ? { agent: ssh.agentSocket } : {}),
  };
}
