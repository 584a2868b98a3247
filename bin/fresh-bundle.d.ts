// Types of fresh-bundle.js for the TypeScript that builds dist/ through it (the benchmark).
export const ROOT: string;
export const DIST: string;
export const MASTER_BUNDLE: string;
export const AGENT_BUNDLE: string;
export function sourceStamp(root?: string): string;
export function bundleStamp(file?: string): string | null;
export function ensureBundle(opts?: { force?: boolean }): Promise<boolean>;
export function haveSources(): boolean;
