import { like } from 'drizzle-orm';
import { organizations } from '../../src/schema.js';
import { expect, test } from '../blog-test.js';

export function isolationScenario(count: number): void {
  test(`sees exactly its own ${count} organizations, whatever runs beside it`, async ({ db, organizations: orgs, tag }) => {
    await orgs.createList(count);
    // Generated slugs carry this file's tag: in a per-file schema and in a shared one alike, the count is exact.
    expect(await db.$count(organizations, like(organizations.slug, `${tag.prefix}%`))).toBe(count);
  });
}
