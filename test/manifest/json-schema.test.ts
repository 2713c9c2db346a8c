import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../../src/json.js';
import { KINDS } from '../../src/kinds/types.js';
import { manifestJsonSchema } from '../../src/manifest/index.js';

const schema = manifestJsonSchema();
const defs = schema.$defs as Record<string, JsonObject>;
const KEYWORD = { $ref: '#/$defs/keyword' };

describe('the manifest JSON Schema for editors', () => {
  it('is the committed schemas/manifest.schema.json (regenerate with the schemas npm script)', async () => {
    const committed = JSON.parse(
      await readFile(new URL('../../schemas/manifest.schema.json', import.meta.url), 'utf8'),
    );
    expect(committed).toEqual(schema);
  });

  it('offers exactly the manifest sections', () => {
    expect(schema.$schema).toBe('https://json-schema.org/draft/2020-12/schema');
    expect(Object.keys(schema.properties as JsonObject)).toEqual([...KINDS, 'externalApis', 'exclude']);
    expect(schema.additionalProperties).toBe(false);
  });

  it('accepts a keyword wherever a value goes: a section, an item, a field, a list element', () => {
    const clients = (schema.properties as Record<string, JsonObject>).clients!;
    expect(clients.anyOf).toContainEqual(KEYWORD);
    expect((clients.anyOf as JsonObject[])[0]?.items).toEqual({
      anyOf: [{ $ref: '#/$defs/clients' }, KEYWORD],
    });
    const fields = defs.clients!.properties as Record<string, JsonObject>;
    expect(fields.callbacks).toEqual({
      anyOf: [{ type: 'array', items: { anyOf: [{ type: 'string' }, KEYWORD, { $ref: '#/$defs/keywordItems' }] } }, KEYWORD],
    });
    expect(fields.app_type?.anyOf).toContainEqual(KEYWORD);
    expect(defs.keyword?.anyOf).toEqual([
      { type: 'string', pattern: '^@@[A-Za-z_][A-Za-z0-9_]*@@$' },
      { type: 'string', pattern: '##[A-Za-z_][A-Za-z0-9_]*##' },
    ]);
    // A list item may add a list keyword's items: `...@@NAME@@`.
    expect(defs.keywordItems?.pattern).toBe('^\\.\\.\\.@@[A-Za-z_][A-Za-z0-9_]*@@$');
    expect(new RegExp(defs.keywordItems?.pattern as string).test('...@@DEV_ORIGINS@@')).toBe(true);
  });

  it('describes exclude: per list kind, and the id: that pins a duplicate to keep', () => {
    const exclude = (schema.properties as Record<string, JsonObject>).exclude!;
    expect(exclude.additionalProperties).toBe(false);
    expect(Object.keys(exclude.properties as JsonObject)).toEqual(KINDS.filter((k) => k !== 'tenant' && k !== 'signingKeys'));
    expect((defs.clients!.properties as Record<string, JsonObject>).id?.anyOf).toContainEqual(
      expect.objectContaining({ type: 'string' }),
    );
    expect((defs.tenant!.properties as Record<string, JsonObject>).id).toBeUndefined();
  });

  it('keeps the item rules: required key fields, no unknown fields', () => {
    expect(defs.clients?.required).toEqual(['name']);
    expect(defs.clients?.additionalProperties).toBe(false);
    expect(defs.clientGrants?.required).toEqual(['audience']);
  });
});
