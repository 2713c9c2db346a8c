import { loadJsYaml, parseYamlFast } from '../../src/manifest/yaml-fast.js';
import { parseYamlFile, startLoc, toJson, type YNode } from '../../src/manifest/yaml-tree.js';

// The readings below run synchronously, js-yaml's included (the loader loads it as a file needs it).
await loadJsYaml();

export const SECTIONS = new Set(['clients', 'users']);

/**
 * Both readings of one file, the fast one (yaml-fast.ts) and the located one (yaml-tree.ts): the list items
 * each hands over (data and start) and the rest of the tree. `fast` is undefined when the fast reading gave up.
 */
export function readings(text: string) {
  const read = (parse: (sink: { sections: Set<string>; item: (s: string, n: YNode) => void }) => YNode | undefined) => {
    const items: unknown[] = [];
    const root = parse({ sections: SECTIONS, item: (section, node) => items.push([section, toJson(node), startLoc(node)]) });
    // The located reading keeps each list's last item in the tree; the fast one hands over all of them.
    for (const entry of root?.type === 'map' ? root.entries : []) {
      if (SECTIONS.has(entry.key) && entry.value.type === 'seq') {
        for (const node of entry.value.items) items.push([entry.key, toJson(node), startLoc(node)]);
        entry.value.items = [];
      }
    }
    // Compared by place: the two readings hand items over in different orders (see above).
    const at = (item: unknown) => (item as [string, unknown, { line: number; col: number }])[2];
    items.sort((a, b) => at(a).line - at(b).line || at(a).col - at(b).col);
    return { items, rest: root && toJson(root) };
  };
  const fast = parseYamlFast('m.yaml', text, { sections: SECTIONS, item: () => undefined });
  const located = parseYamlFile('m.yaml', text, { sections: SECTIONS, item: () => undefined });
  return {
    fast: fast && read((sink) => parseYamlFast('m.yaml', text, sink)?.root),
    located: read((sink) => parseYamlFile('m.yaml', text, sink).root),
    locatedErrors: located.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
  };
}
