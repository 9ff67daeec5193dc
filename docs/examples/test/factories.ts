// test/factories.ts
import { belongsTo, defineFactory } from 'runtag';
import { children, users } from '../src/db/schema.js';

export const userFactory = defineFactory(users, {
  defaults: ({ faker }) => ({
    role: 'PARENT' as const,
    email: faker.internet.email(), // a unique column: what the factory generates starts with the run's tag
    clerkId: faker.string.alphanumeric(12), // unique too: tagged too
    firstName: faker.person.firstName(),
    lastName: faker.person.lastName(),
  }),
  traits: { instructor: { role: 'INSTRUCTOR' } },
});

export const childFactory = defineFactory(children, {
  associations: { parentId: belongsTo(() => userFactory) }, // a parent is created unless one is given
  defaults: ({ faker }) => ({ name: faker.person.firstName(), birthDate: '2018-05-01' }),
});
