import { belongsTo, defineFactory, hasMany } from 'runtag';
import { organizations, projects, users } from '../src/schema.js';

export const organizationFactory = defineFactory(organizations, {
  // slug is unique: the factory tags what it makes up, so workers, files and runs never collide.
  defaults: ({ faker }) => ({ slug: faker.lorem.slug(2), foundedOn: faker.date.past({ years: 20 }) }),
  traits: { enterprise: { plan: 'enterprise' } },
});

const plainUserFactory = defineFactory(users, {
  associations: { organizationId: belongsTo(() => organizationFactory) },
  defaults: ({ faker, sequence }) => ({ email: `${sequence('user')}@compat.test`, name: faker.person.fullName(), labels: [faker.word.noun()] }),
});

export const projectFactory = defineFactory(projects, {
  associations: {
    organizationId: belongsTo(() => organizationFactory),
    // The owner belongs to the project's organization, not to one of its own.
    ownerId: belongsTo(() => plainUserFactory, { overrides: (project) => ({ organizationId: project.organizationId as string }) }),
  },
  defaults: ({ faker }) => ({ name: faker.commerce.productName(), budget: '1200.50', scores: [1, 2, 3], dueOn: '2030-01-31' }),
});

export const userFactory = plainUserFactory.has(
  'projects',
  hasMany(() => projectFactory, 'ownerId', { count: 0, inherit: ['organizationId'] }),
);
