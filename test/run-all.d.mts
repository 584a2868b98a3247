// Types of test/run-all.mjs (plain JavaScript: it runs before any loader), for its test.
export type Group = 'unit' | 'integration' | 'fleet';
export const GROUPS: Group[];
export const BATCH_SIZE: number;
export function groupOf(file: string): Group;
export function testFiles(): string[];
export function batches(files: string[], size?: number): string[][];
export function batchEntry(files: string[]): string;
export interface Args {
  groups: Group[];
  files: string[];
  tapArgs: string[];
  batch: boolean;
}
export function parseArgs(argv: string[]): Args;
export function plan(
  args: Args,
  all: string[],
  batchDir: string,
  write: (path: string, text: string) => void,
): string[];
export function tapOptions(tapArgs: string[], run: string[], cpus?: number): string[];
