// The state of a host as far as a workload is concerned, as text lines: managed paths (type,
// mode, owner, content hash or link target), package status, services, accounts, cron entries.
// Two tools converged a host the same way when their fingerprints are equal.
import type { Fleet } from '../test/fleet/index.ts';
import type { Workload } from './workloads.ts';

const SCRIPT = `
for p in $PATHS; do
  if [ -L "$p" ]; then echo "path $p link $(readlink "$p") $(stat -c '%U:%G' "$p")"
  elif [ -d "$p" ]; then echo "path $p dir $(stat -c '%a %U:%G' "$p")"
  elif [ -f "$p" ]; then echo "path $p file $(stat -c '%a %U:%G' "$p") $(sha256sum < "$p" | cut -c1-16)"
  else echo "path $p missing"; fi
done
for p in $PACKAGES; do echo "package $p $(dpkg-query -W -f='\${Status} \${Version}' "$p" 2>/dev/null)"; done
for s in $SERVICES; do
  if service "$s" status >/dev/null 2>&1; then r=running; else r=stopped; fi
  echo "service $s $r enabled=$(ls /etc/rc2.d 2>/dev/null | grep -c "^S[0-9][0-9]$s\\$")"
done
for u in $USERS; do echo "user $(getent passwd "$u")"; done
for g in $GROUPS; do echo "group $(getent group "$g" | cut -d: -f1,3)"; done
for u in $CRONTABS; do crontab -l -u "$u" 2>/dev/null | grep -v '^#' | grep -v '^[[:space:]]*$' | sort | sed "s|^|cron $u |"; done
`;

export async function fingerprint(fleet: Fleet, hostId: string, w: Workload): Promise<string> {
  const c = w.check;
  const r = await fleet.exec(hostId, ['/bin/sh', '-c', SCRIPT], {
    env: {
      PATHS: c.paths.join(' '),
      PACKAGES: c.packages.join(' '),
      SERVICES: c.services.join(' '),
      USERS: c.users.join(' '),
      GROUPS: c.groups.join(' '),
      CRONTABS: c.crontabs.join(' '),
    },
    reject: false,
  });
  return r.stdout;
}

/** Fingerprints of every role host, by id. */
export async function fleetFingerprint(fleet: Fleet, w: Workload): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const h of fleet.hosts) out[h.id] = await fingerprint(fleet, h.id, w);
  return out;
}

/** Lines that differ between two fleets' fingerprints (empty when they are equivalent). */
export function differences(a: Record<string, string>, b: Record<string, string>, names: [string, string]): string[] {
  const out: string[] = [];
  for (const host of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
    const la = (a[host] ?? '').split('\n');
    const lb = (b[host] ?? '').split('\n');
    for (const l of la) if (!lb.includes(l)) out.push(`${host}: only after ${names[0]}: ${l}`);
    for (const l of lb) if (!la.includes(l)) out.push(`${host}: only after ${names[1]}: ${l}`);
  }
  return out;
}
