// The dashboard's nunjucks environment: templates kept in the code (templates/), autoescaping on,
// so every value a page shows — most of it sent by hosts — is escaped.
import nunjucks from 'nunjucks';
import { confirm, fleet, jobList } from './templates/fleet.ts';
import { host } from './templates/host.ts';
import { hostSection, job } from './templates/job.ts';
import { layout, login, message } from './templates/layout.ts';

const TEMPLATES: Record<string, string> = {
  layout,
  login,
  message,
  fleet,
  'job-list': jobList,
  confirm,
  job,
  'host-section': hostSection,
  host,
};

const loader: nunjucks.ILoader = {
  getSource(name: string): nunjucks.LoaderSource {
    const src = TEMPLATES[name];
    if (src === undefined) throw new Error(`no dashboard template ${name}`);
    return { src, path: name, noCache: false };
  },
};

/** "850 ms", "12.4 s", "3 min 5 s"; empty for an unknown duration. */
export function formatDuration(ms: unknown): string {
  if (typeof ms !== 'number' || !Number.isFinite(ms)) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  const s = Math.round(ms / 1000);
  return `${Math.floor(s / 60)} min ${s % 60} s`;
}

export function makeViews(): nunjucks.Environment {
  const env = new nunjucks.Environment(loader, { autoescape: true, throwOnUndefined: false });
  env.addFilter('duration', formatDuration);
  return env;
}
