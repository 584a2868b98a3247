// Deserialising data inside templates: the load_yaml/load_json/load_text tags and filters
// and the import_yaml/import_json/import_text tags.
import { TemplateFault } from './fault.ts';
import { loadYaml } from './yaml.ts';

export type DataKind = 'yaml' | 'json' | 'text';

/**
 * Parses `text` as `kind`. `firstLine` is the template line the text starts on (a load_* block),
 * so a YAML error is reported on the template line it comes from; `file` names an imported file.
 */
export function loadData(kind: DataKind, text: string, firstLine?: number, file?: string): unknown {
  if (kind === 'text') return text;
  if (kind === 'json') {
    try {
      return JSON.parse(text);
    } catch (e) {
      const shown = text.length > 80 ? text.slice(0, 77) + '...' : text;
      throw new TemplateFault(
        `Jinja error: Unable to load json from ${JSON.stringify(shown)}: ${(e as Error).message}`,
        { file, line: firstLine },
      );
    }
  }
  const { value, problem } = loadYaml(text);
  if (problem) {
    const line = firstLine !== undefined ? firstLine + problem.line - 1 : file !== undefined ? problem.line : undefined;
    throw new TemplateFault(`Jinja error: Encountered error loading yaml: ${problem.message}`, { file, line });
  }
  return value;
}
