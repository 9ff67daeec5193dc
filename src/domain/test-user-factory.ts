import type { Child, InstructorProfile, User } from '../../schema/index.js';
import type { Overrides } from '../factory/define-factory.js';
import type { instructorProfiles, children, users } from '../../schema/index.js';
import { childFactory, instructorProfileFactory, userFactory } from './factories.js';
import { DomainFactory, type DomainFactoryOptions } from './domain-factory.js';

export type InstructorWithProfile = User & { profile: InstructorProfile };

/** Users of the booking domain. `new TestUserFactory()` inside a Vitest file; `{ db }` anywhere. */
export class TestUserFactory extends DomainFactory {
  constructor(options?: DomainFactoryOptions) {
    super('TestUserFactory', options);
  }

  createParent(overrides: Overrides<typeof users> = {}): Promise<User> {
    return this.use(userFactory).create(overrides, { traits: ['parent'] });
  }

  createParents(count: number, overrides: Overrides<typeof users> = {}): Promise<User[]> {
    return this.use(userFactory).createList(count, overrides, { traits: ['parent'] });
  }

  createAdmin(overrides: Overrides<typeof users> = {}): Promise<User> {
    return this.use(userFactory).create(overrides, { traits: ['admin'] });
  }

  async createInstructor(
    overrides: Overrides<typeof users> = {},
    profile: Omit<Overrides<typeof instructorProfiles>, 'userId'> = {},
  ): Promise<InstructorWithProfile> {
    const [instructor] = await this.createInstructors(1, overrides, profile);
    return instructor!;
  }

  /** Two INSERTs whatever the count: all users, then all profiles. */
  async createInstructors(
    count: number,
    overrides: Overrides<typeof users> = {},
    profile: Omit<Overrides<typeof instructorProfiles>, 'userId'> = {},
  ): Promise<InstructorWithProfile[]> {
    const created = await this.use(userFactory).createList(count, overrides, { traits: ['instructor'] });
    const profiles = await this.use(instructorProfileFactory).createList(count, (i) => ({ ...profile, userId: created[i]!.id }));
    return created.map((user, i) => ({ ...user, profile: profiles[i]! }));
  }

  /** A child of `parent`, or of a new parent when none is given. */
  createChild(parent?: Pick<User, 'id'>, overrides: Omit<Overrides<typeof children>, 'parentId'> = {}): Promise<Child> {
    return this.use(childFactory).create({ ...overrides, ...(parent ? { parentId: parent.id } : {}) });
  }
}
