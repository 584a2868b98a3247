// Secrets of a compiled pillar: every leaf that came from the private tree, by key path, and the
// string form of each string or number in it (what redaction looks for).

export interface PillarSecrets {
  /** Key paths of private leaves (a list is one leaf). */
  paths: string[][];
  /** Non-empty strings and numbers (as strings) found in private leaves, each once. */
  values: string[];
}

function isDict(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function collectValues(v: unknown, out: Set<string>): void {
  if (typeof v === 'string') {
    if (v !== '') out.add(v);
  } else if (typeof v === 'number' || typeof v === 'bigint') {
    out.add(String(v));
  } else if (Array.isArray(v)) {
    for (const x of v) collectValues(x, out);
  } else if (isDict(v)) {
    for (const x of Object.values(v)) collectValues(x, out);
  }
}

/** Walks `data` (the private tree's own pillar) and lists its leaves and values. */
export function pillarSecrets(data: Record<string, unknown>): PillarSecrets {
  const paths: string[][] = [];
  const values = new Set<string>();
  const walk = (node: Record<string, unknown>, path: string[]): void => {
    for (const [k, v] of Object.entries(node)) {
      const p = [...path, k];
      if (isDict(v) && Object.keys(v).length) walk(v, p);
      else {
        paths.push(p);
        collectValues(v, values);
      }
    }
  };
  walk(data, []);
  return { paths, values: [...values] };
}
