import { eq } from 'drizzle-orm';
import { organizations } from '../../src/schema.js';
import { expect, test } from '../blog-test.js';

export function membershipScenario(editors: number): void {
  test(`an organization with an owner and ${editors} editors`, async ({ db, organizations: orgs, memberships }) => {
    const org = await orgs.create();
    await memberships.create({ organizationId: org.id }, { traits: ['owner'] });
    await memberships.createList(editors, { organizationId: org.id }, { traits: ['editor'] });
    const found = await db.query.organizations.findFirst({ where: eq(organizations.id, org.id), with: { memberships: true } });
    expect(found!.memberships).toHaveLength(editors + 1);
    expect(found!.memberships.filter((m) => m.role === 'owner')).toHaveLength(1);
  });
}
