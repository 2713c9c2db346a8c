import { mkdir, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { portableSchemaPath, SCHEMA, schemaReference } from '../../src/export/schema-ref.js';

const FILE = 'schemas/manifest.schema.json';

describe('the path from exported manifests to the schema', () => {
  it('is relative when tenantctl is installed in the project that holds the output (npm ci recreates it)', () => {
    const schema = `/home/ada/shop/node_modules/tenantctl/${FILE}`;
    expect(portableSchemaPath(schema, '/home/ada/shop/tenants/acme')).toBe(`../../node_modules/tenantctl/${FILE}`);
    expect(portableSchemaPath(schema, '/home/ada/shop')).toBe(`node_modules/tenantctl/${FILE}`);
    // A monorepo's hoisted install serves every package below it.
    expect(portableSchemaPath(schema, '/home/ada/shop/packages/auth/tenants/prod')).toBe(`../../../../node_modules/tenantctl/${FILE}`);
    expect(portableSchemaPath(`/home/ada/shop/node_modules/@acme/tenantctl/${FILE}`, '/home/ada/shop/t')).toBe(`../node_modules/@acme/tenantctl/${FILE}`);
  });

  it('is relative when the output is in the same tree as the schema (tenantctl\'s own examples)', () => {
    expect(portableSchemaPath(`/src/tenantctl/${FILE}`, '/src/tenantctl/examples/tenants/acme')).toBe(`../../../${FILE}`);
  });

  it('is none from an npx cache, a global install or a checkout elsewhere: those paths exist on this machine only', () => {
    const out = '/home/ada/shop/tenants/acme';
    expect(portableSchemaPath(`/home/ada/.npm/_npx/6b2c1f/node_modules/tenantctl/${FILE}`, out)).toBeUndefined();
    expect(portableSchemaPath(`/usr/local/lib/node_modules/tenantctl/${FILE}`, out)).toBeUndefined();
    expect(portableSchemaPath(`/src/tenantctl/${FILE}`, out)).toBeUndefined();
    // A neighbour whose name merely starts the same is not the project.
    expect(portableSchemaPath(`/home/ada/shop/node_modules/tenantctl/${FILE}`, '/home/ada/shop-old/tenants')).toBeUndefined();
  });

  it("goes through the project's own node_modules/tenantctl link under pnpm, whose real path names the version", () => {
    const schema = `/home/ada/shop/node_modules/.pnpm/tenantctl@0.1.0/node_modules/tenantctl/${FILE}`;
    const linked = `/home/ada/shop/node_modules/tenantctl/${FILE}`;
    expect(portableSchemaPath(schema, '/home/ada/shop/tenants', (p) => p === linked)).toBe(`../node_modules/tenantctl/${FILE}`);
    // No such link (another layout): the real path, which is still in the project.
    expect(portableSchemaPath(schema, '/home/ada/shop/tenants')).toBe(`../node_modules/.pnpm/tenantctl@0.1.0/node_modules/tenantctl/${FILE}`);
  });
});

describe('the schema reference of a directory on disk', () => {
  it('points into a project that has node_modules/tenantctl, and copies nothing', async () => {
    const project = await mkdtemp(join(tmpdir(), 'tenantctl-project-'));
    const schema = join(project, 'node_modules/tenantctl', FILE);
    await mkdir(join(schema, '..'), { recursive: true });
    await writeFile(schema, '{}');
    const out = join(project, 'tenants/acme');
    await mkdir(out, { recursive: true });
    const ref = await schemaReference(out, schema);
    expect(ref).toEqual({ reference: `../../node_modules/tenantctl/${FILE}`, copied: false });
    expect(await readFile(resolve(out, ref!.reference!), 'utf8')).toBe('{}');
    expect(await readdir(out)).toEqual([]);
  });

  it('follows a pnpm link on disk to the name that survives an upgrade', async () => {
    const project = await mkdtemp(join(tmpdir(), 'tenantctl-project-'));
    const real = join(project, 'node_modules/.pnpm/tenantctl@0.1.0/node_modules/tenantctl');
    await mkdir(join(real, 'schemas'), { recursive: true });
    await writeFile(join(real, FILE), '{}');
    await symlink(real, join(project, 'node_modules/tenantctl'));
    await mkdir(join(project, 'tenants'));
    const ref = await schemaReference(join(project, 'tenants'), join(real, FILE));
    expect(ref).toEqual({ reference: `../node_modules/tenantctl/${FILE}`, copied: false });
  });

  it('copies the running schema into a directory no project holds, and rewrites the copy only when it differs', async () => {
    const out = await mkdtemp(join(tmpdir(), 'tenantctl-out-'));
    expect(await schemaReference(out)).toEqual({ reference: 'manifest.schema.json', copied: true });
    expect(await readFile(join(out, 'manifest.schema.json'), 'utf8')).toBe(await readFile(SCHEMA, 'utf8'));
    // An older tenantctl's copy (its title says whose it is) is replaced.
    await writeFile(join(out, 'manifest.schema.json'), '{"title": "tenantctl manifest", "stale": true}');
    await schemaReference(out);
    expect(await readFile(join(out, 'manifest.schema.json'), 'utf8')).toBe(await readFile(SCHEMA, 'utf8'));
  });

  it("never overwrites a file of the copy's name that is not a tenantctl schema: no reference then", async () => {
    const out = await mkdtemp(join(tmpdir(), 'tenantctl-out-'));
    const theirs = '{"title": "our own API schema", "type": "object"}';
    await writeFile(join(out, 'manifest.schema.json'), theirs);
    expect(await schemaReference(out)).toEqual({ copied: false, kept: true });
    expect(await readFile(join(out, 'manifest.schema.json'), 'utf8')).toBe(theirs);
  });

  it('gives no reference when the running schema cannot be read, rather than a path to nothing', async () => {
    const out = await mkdtemp(join(tmpdir(), 'tenantctl-out-'));
    expect(await schemaReference(out, join(out, 'missing.json'))).toBeUndefined();
    expect(await readdir(out)).toEqual([]);
  });
});
