import { describe, expect, it } from 'vitest';
import { parseYamlFile } from '../../src/manifest/yaml-tree.js';

/** What a user reads for a broken file: `line:col message` and the hint, one entry per problem. */
function problems(text: string): string[] {
  return parseYamlFile('clients.yaml', text).diagnostics.map((d) => `${d.loc?.line}:${d.loc?.col} ${d.message} | ${d.hint ?? ''}`);
}

describe('YAML mistakes named where they were made', () => {
  it('points at a [ never closed, not at the next item, and ignores brackets in quotes and comments', () => {
    const text = ['clients:', '  - name: "A [x"   # a [ in a comment', '    callbacks: [https://a.example/cb, "]"', '  - name: B', ''].join('\n');
    expect(problems(text)).toEqual([
      '3:16 this [ is never closed: the flow list it opens needs a ] | Close it with ] (it may go on across lines indented more than its key), or write the list as a block, one item per line.',
    ]);
  });

  it('points at a { never closed and at the [ left open inside it, each once', () => {
    const text = ['clients:', '  - name: A', '    client_metadata: {team: [a, b', '  - name: B', ''].join('\n');
    expect(problems(text).map((line) => line.split(' | ')[0]).sort()).toEqual([
      '3:22 this { is never closed: the flow mapping it opens needs a }',
      '3:29 this [ is never closed: the flow list it opens needs a ]',
    ]);
  });

  it('names a key indented less than the key above it, with both columns', () => {
    expect(problems('clients:\n  - name: A\n   app_type: spa\n')).toEqual([
      "3:4 'app_type' is indented less than 'name' above it (column 4, not 5) | Keys of one mapping start at the same column: move 'app_type' to column 5 if it belongs with 'name'.",
    ]);
    expect(problems('clients:\n  - name: A\n    app_type: spa\n\n    # the description\n  description: x\n')).toEqual([
      "6:3 'description' is indented less than 'app_type' above it (column 3, not 5) | Keys of one mapping start at the same column: move 'description' to column 5 if it belongs with 'app_type'.",
    ]);
  });

  it('says a tab in the indentation is the problem and what to use instead', () => {
    expect(problems('clients:\n  - name: A\n\tapp_type: spa\n')).toEqual(['3:1 a tab in the indentation | Indent with spaces: YAML does not allow tabs there.']);
  });

  it("keeps the yaml library's words for what it does not recognise", () => {
    expect(problems('a: 1\na: 2\n')[0]).toMatch(/^2:1 Map keys must be unique \| Each key may appear once per mapping/);
  });
});
