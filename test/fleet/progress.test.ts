import t from 'tap';
import { buildProgress } from './progress.ts';

t.test("debootstrap's phases are shown, its per-package lines counted", async (t) => {
  const out: string[] = [];
  let clock = 0;
  const p = buildProgress(
    (l) => out.push(l),
    10_000,
    () => clock,
  );
  const lines = [
    'I: Retrieving InRelease',
    'I: Checking Release signature',
    'I: Retrieving Packages',
    'I: Validating Packages',
    'I: Resolving dependencies of required packages...',
    'I: Retrieving adduser 3.134',
    'I: Validating adduser 3.134',
    'I: Retrieving apt 2.6.1',
    'I: Validating apt 2.6.1',
    'I: Retrieving base-files 12.4+deb12u5',
    'I: Extracting adduser...',
    'I: Extracting apt...',
    'I: Installing core packages...',
    'I: Unpacking required packages...',
    'I: Unpacking adduser...',
    'I: Configuring required packages...',
    'I: Configuring apt...',
    'I: Base system installed successfully.',
  ];
  for (const l of lines) {
    clock += 6000;
    p.line(l);
  }
  p.flush();
  t.same(out, [
    '  Retrieving InRelease',
    '  Checking Release signature',
    '  Retrieving Packages',
    '  Validating Packages',
    '  Resolving dependencies of required packages...',
    '  retrieving packages: 2 (apt)', // every 10 s at most
    '  retrieving packages: 3 (base-files)', // at the change of phase
    '  extracting packages: 2 (apt)',
    '  Installing core packages...',
    '  Unpacking required packages...',
    '  unpacking packages: 1 (adduser)',
    '  Configuring required packages...',
    '  configuring packages: 1 (apt)',
    '  Base system installed successfully.',
  ]);
});

t.test("apt's downloads are counted, its index and summary lines dropped", async (t) => {
  const out: string[] = [];
  const p = buildProgress(
    (l) => out.push(l),
    10_000,
    () => 0,
  );
  for (const l of [
    'Hit:1 http://deb.debian.org/debian bookworm InRelease',
    'Reading package lists...',
    'The following NEW packages will be installed:',
    '  memcached redis-server',
    'Suggested packages:',
    '  libanyevent-perl',
    'Get:1 http://deb.debian.org/debian bookworm/main amd64 libevent-2.1-7 amd64 2.1.12-stable-8 [180 kB]',
    'Get:2 http://deb.debian.org/debian bookworm/main amd64 memcached amd64 1.6.18-1 [194 kB]',
    'Fetched 374 kB in 0s (1,234 kB/s)',
    'Download complete and in download only mode',
  ])
    p.line(l);
  p.flush();
  t.same(out, ['  downloading packages: 2 (memcached)']);
});
