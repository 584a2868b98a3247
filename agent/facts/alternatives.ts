// A link group of the alternatives system, from `update-alternatives --query NAME` (its
// machine-readable form): the generic link, auto or manual mode, the current value and the
// registered alternatives with their priorities.

interface Alternative {
  path: string;
  priority: number;
}

export interface AlternativesGroup {
  name: string;
  link: string;
  status: 'auto' | 'manual';
  /** What the group points at now; undefined when nothing (`none`). */
  value?: string;
  alternatives: Alternative[];
}

/** Parses --query output; undefined when it names no group. */
export function parseQuery(text: string): AlternativesGroup | undefined {
  const blocks = text.split(/\n\s*\n/);
  const fields = (block: string): Map<string, string> => {
    const out = new Map<string, string>();
    for (const line of block.split('\n')) {
      const m = /^([A-Za-z]+):\s?(.*)$/.exec(line);
      if (m && !out.has(m[1])) out.set(m[1], m[2].trim());
    }
    return out;
  };
  const head = fields(blocks[0] ?? '');
  const name = head.get('Name');
  const link = head.get('Link');
  if (!name || !link) return undefined;
  const value = head.get('Value');
  const alternatives: Alternative[] = [];
  for (const block of blocks.slice(1)) {
    const f = fields(block);
    const path = f.get('Alternative');
    if (!path) continue;
    const priority = Number(f.get('Priority'));
    alternatives.push({ path, priority: Number.isFinite(priority) ? priority : 0 });
  }
  return {
    name,
    link,
    status: head.get('Status') === 'manual' ? 'manual' : 'auto',
    ...(value && value !== 'none' ? { value } : {}),
    alternatives,
  };
}
