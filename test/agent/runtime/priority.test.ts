// What a resident agent's start runs at: children started inside lowered() inherit the lowest
// priority, the caller gets its own back, and setProcessPriority reaches every thread.
import t from 'tap';
import { spawn, spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { getPriority, setPriority } from 'node:os';
import {
  BACKGROUND_NICE,
  canRestorePriority,
  groupPriority,
  lowered,
  setGroupPriority,
  setProcessPriority,
} from '../../../agent/runtime/priority.ts';

/** The nice value of a task from its stat line (field 19). */
const niceOf = (stat: string): number => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[16]);
const threadNices = (): number[] =>
  readdirSync('/proc/self/task').map((tid) => niceOf(readFileSync(`/proc/self/task/${tid}/stat`, 'utf8')));
const childNice = (): number =>
  Number(spawnSync('sh', ['-c', 'cut -d" " -f19 /proc/$$/stat'], { encoding: 'utf8' }).stdout.trim());

t.test(
  'as root: children started inside lowered() run at nice 19; the caller keeps its own',
  { skip: !canRestorePriority() && 'needs root' },
  async (t) => {
    const before = getPriority();
    const { result, previous } = lowered(BACKGROUND_NICE, () => {
      t.equal(getPriority(), BACKGROUND_NICE, 'lowered while fn runs');
      return childNice();
    });
    t.equal(result, BACKGROUND_NICE, 'the child inherited the lowest priority');
    t.equal(previous, before, 'the priority it had is reported');
    t.equal(getPriority(), before, 'and given back');
    t.equal(childNice(), before, 'children started after run at the usual priority');
  },
);

t.test(
  'a caller already at the lowest priority is left as it is',
  { skip: !canRestorePriority() && 'needs root' },
  async (t) => {
    const before = getPriority();
    setPriority(BACKGROUND_NICE);
    try {
      const { previous } = lowered(BACKGROUND_NICE, () => undefined);
      t.equal(previous, undefined, 'nothing lowered');
      t.equal(getPriority(), BACKGROUND_NICE);
    } finally {
      setProcessPriority(before);
    }
  },
);

t.test('an error in fn still gives the priority back', { skip: !canRestorePriority() && 'needs root' }, async (t) => {
  const before = getPriority();
  t.throws(
    () =>
      lowered(BACKGROUND_NICE, () => {
        throw new Error('spawn failed');
      }),
    /spawn failed/,
  );
  t.equal(getPriority(), before);
});

t.test(
  'setProcessPriority sets every thread, not just the calling one',
  { skip: !canRestorePriority() && 'needs root' },
  async (t) => {
    const before = getPriority();
    // Node's worker threads exist from the start; lower them all, then bring them all back
    t.ok(threadNices().length > 1, 'the process has several threads');
    t.ok(setProcessPriority(7));
    t.same([...new Set(threadNices())], [7]);
    t.ok(setProcessPriority(before));
    t.same([...new Set(threadNices())], [before]);
  },
);

t.test(
  'without root nothing is lowered: a priority could not be given back',
  { skip: canRestorePriority() && 'runs as root' },
  async (t) => {
    const before = getPriority();
    const { result, previous } = lowered(BACKGROUND_NICE, () => childNice());
    t.equal(previous, undefined);
    t.equal(result, before);
  },
);

t.test(
  'a process in a session of its own has a scheduling group whose priority can be lowered and given back',
  { skip: (!canRestorePriority() && 'needs root') || (groupPriority() === undefined && 'no autogroup scheduling') },
  async (t) => {
    const child = spawn('sleep', ['30'], { detached: true, stdio: 'ignore' });
    try {
      const pid = child.pid!;
      const own = groupPriority();
      t.equal(groupPriority(pid), 0, 'a new session starts its group at nice 0');
      t.ok(setGroupPriority(pid, BACKGROUND_NICE));
      t.equal(groupPriority(pid), BACKGROUND_NICE, 'its group lowered');
      t.equal(groupPriority(), own, "the caller's own group untouched");
      t.ok(setGroupPriority(pid, 0));
      t.equal(groupPriority(pid), 0, 'and given back');
    } finally {
      child.kill();
    }
  },
);

t.test('group priorities of processes that are not there are undefined, and setting them fails', async (t) => {
  t.equal(groupPriority(2 ** 22 + 1), undefined);
  t.equal(setGroupPriority(2 ** 22 + 1, 5), false);
});
