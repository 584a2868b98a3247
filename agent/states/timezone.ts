// timezone.system: the system time zone and the hardware clock's reference, as Salt's timezone
// state sets them on Debian — /etc/localtime a link to the zone's tzdata file and /etc/timezone
// naming it (what timedatectl and tzdata's configuration leave), /etc/adjtime saying UTC. Written
// directly, so it works without a running systemd. Comments and changes are Salt's.
import { promises as fsp } from 'node:fs';
import { join } from 'node:path';
import type { Outcome, Plan, StateContext, StateModule } from './types.ts';
import { converged, failed, opsOf, pending } from './plan.ts';
import { declareArgs, type ArgsOf } from './arg-decl.ts';
import { defineState } from './define.ts';
import { symlinkAtomic, writeFileAtomic } from '../store/fs-atomic.ts';
import { readText } from '../store/read-text.ts';
import {
  ADJTIME,
  hwclockOf,
  LOCALTIME,
  localtimeData,
  setAdjtime,
  TIMEZONE_FILE,
  timezoneName,
  validZoneName,
  ZONEINFO,
  zoneData,
} from '../facts/timezone.ts';

const ARGS = declareArgs({
  utc: {
    type: 'bool',
    default: true,
    doc: 'The hardware clock keeps UTC (/etc/adjtime); false leaves the clock as it is, as in Salt',
  },
});

interface TimezoneOps {
  name: string;
  zone: boolean;
  utc: boolean;
}

async function check(args: ArgsOf<typeof ARGS>, ctx: StateContext): Promise<Plan<TimezoneOps>> {
  const name = args.name;
  const wanted = validZoneName(name) ? await zoneData(ctx.root, name) : null;
  if (!wanted)
    return failed(
      `Unable to compare desired timezone '${name}' to system timezone: Can't find a local timezone "${name}"`,
    );
  const current = await localtimeData(ctx.root);
  const zoneSet = current !== null && current.equals(wanted) && (await timezoneName(ctx.root)) === name;
  const clockUtc = hwclockOf(await readText(join(ctx.root, ADJTIME))) === 'UTC';
  const doUtc = args.utc && !clockUtc;
  if (zoneSet && !doUtc) {
    const messages = [`Timezone ${name} already set`];
    if (args.utc) messages.push(`UTC already set to ${name}`);
    return converged(messages.join(', '));
  }
  const messages: string[] = [];
  if (!zoneSet) messages.push(`Timezone ${name} needs to be set`);
  if (doUtc) messages.push(`UTC needs to be set to True`);
  return pending({}, messages.join(', '), { name, zone: !zoneSet, utc: doUtc });
}

async function apply(plan: Plan<TimezoneOps>, ctx: StateContext): Promise<Outcome> {
  const ops = opsOf(plan);
  const changes: Record<string, unknown> = {};
  const messages: string[] = [];
  try {
    if (ops.zone) {
      await symlinkAtomic(`${ZONEINFO}/${ops.name}`, join(ctx.root, LOCALTIME));
      await writeFileAtomic(join(ctx.root, TIMEZONE_FILE), `${ops.name}\n`);
      ctx.facts.invalidatePath(LOCALTIME);
      ctx.facts.invalidatePath(TIMEZONE_FILE);
      changes.timezone = ops.name;
      messages.push(`Set timezone ${ops.name}`);
    }
  } catch (e) {
    return { result: false, changes, comment: `Failed to set timezone: ${(e as Error).message}` };
  }
  try {
    if (ops.utc) {
      const path = join(ctx.root, ADJTIME);
      await fsp.mkdir(join(ctx.root, '/etc'), { recursive: true });
      await writeFileAtomic(path, setAdjtime(await readText(path), 'UTC'));
      ctx.facts.invalidatePath(ADJTIME);
      changes.utc = true;
      messages.push('Set UTC to True');
    }
  } catch (e) {
    messages.push(`Failed to set UTC to True: ${(e as Error).message}`);
    return { result: false, changes, comment: messages.join(', ') };
  }
  return { changes, comment: messages.join(', ') };
}

export const system = defineState({
  doc: 'The system time zone (/etc/localtime, /etc/timezone) and a hardware clock in UTC (/etc/adjtime)',
  args: ARGS,
  check,
  apply,
});

const timezoneModule: StateModule = { system };
export default timezoneModule;
