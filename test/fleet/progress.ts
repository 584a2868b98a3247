// What a long build prints while it runs, condensed to what a person can follow: the tools'
// phase messages as they come, and the hundreds of per-package lines (debootstrap's "Retrieving",
// "Unpacking", apt's "Get:") as a running count, printed when the phase changes and otherwise at
// most every `everyMs`.

export interface BuildProgress {
  /** One line of the tool's output. */
  line(text: string): void;
  /** Prints the count of the phase in progress, if it has not been printed yet. */
  flush(): void;
}

/** Per-package lines: the verb names the phase, the rest the package. */
const ITEM = [
  /^I: (Retrieving|Validating|Extracting|Unpacking|Configuring) (?!(?:InRelease|Release|Packages|required packages|base packages|the base system)\b)(\S+?)(?:\.\.\.)?(?: .*)?$/,
  /^(Get):\d+ \S+ \S+ \S+ (\S+) \S+ \S+ \[/,
];
const VERB: Record<string, string> = {
  Retrieving: 'retrieving',
  Extracting: 'extracting',
  Unpacking: 'unpacking',
  Configuring: 'configuring',
  Get: 'downloading',
};

export function buildProgress(
  log: (line: string) => void,
  everyMs = 10_000,
  now: () => number = Date.now,
): BuildProgress {
  let verb = '';
  let count = 0;
  let last = '';
  let printedCount = 0;
  let printedAt = now();
  const print = () => {
    if (count === printedCount) return;
    log(`  ${verb} packages: ${count} (${last})`);
    printedCount = count;
    printedAt = now();
  };
  return {
    line(text) {
      const m = ITEM.map((r) => r.exec(text.trim())).find(Boolean);
      if (m) {
        if (m[1] === 'Validating') return; // follows each "Retrieving" of the same package
        const v = VERB[m[1]];
        if (v !== verb) {
          print();
          verb = v;
          count = 0;
          printedCount = 0;
        }
        count++;
        last = m[2];
        if (now() - printedAt >= everyMs) print();
        return;
      }
      print();
      const phase = text.trim().replace(/^I: /, '');
      // apt's index downloads and summaries are not worth a line each
      if (
        /^(Hit|Ign|Fetched|Reading|Building|Calculating|The following|Suggested packages|Recommended packages|Need to get|After this|Download complete|\d+ upgraded|W: Download is performed unsandboxed)/.test(
          phase,
        )
      )
        return;
      if (/^ {2}\S/.test(text)) return; // apt's package list lines
      log(`  ${phase}`);
      printedAt = now();
    },
    flush: print,
  };
}
