import { belongsTo, belongsToSelf, defineFactory, hasMany, manyToMany } from 'runtag';
import { comments, memberships, organizations, postTags, posts, tags, users } from '../src/schema.js';

export const organizationFactory = defineFactory(organizations, {
  defaults: ({ faker }) => ({ name: faker.company.name(), slug: faker.lorem.slug(2).slice(0, 12) }),
});

export const userFactory = defineFactory(users, {
  defaults: ({ faker }) => {
    const first = faker.person.firstName();
    return { handle: first.toLowerCase(), email: `${first.toLowerCase()}@blog.test`, displayName: `${first} ${faker.person.lastName()}` };
  },
});

export const membershipFactory = defineFactory(memberships, {
  associations: {
    organizationId: belongsTo(() => organizationFactory),
    userId: belongsTo(() => userFactory),
  },
  defaults: () => ({ role: 'reader' as const }),
  traits: { owner: { role: 'owner' }, editor: { role: 'editor' } },
});

const plainPostFactory = defineFactory(posts, {
  associations: {
    organizationId: belongsTo(() => organizationFactory),
    authorId: belongsTo(() => userFactory),
  },
  defaults: ({ faker }) => ({
    slug: faker.lorem.slug(3),
    title: faker.lorem.sentence(),
    body: { blocks: [faker.lorem.paragraph()] },
    status: 'draft' as const,
  }),
  traits: { published: { status: 'published' }, archived: { status: 'archived' } },
});

export const commentFactory = defineFactory(comments, {
  associations: {
    postId: belongsTo(() => plainPostFactory),
    authorId: belongsTo(() => userFactory),
    // A reply only when asked ({ with: ['parentId'] }); its parent is a top-level comment.
    parentId: belongsToSelf({ optional: true }),
  },
  defaults: ({ faker }) => ({ body: faker.lorem.sentence() }),
});

export const tagFactory = defineFactory(tags, {
  associations: { organizationId: belongsTo(() => organizationFactory) },
  defaults: ({ faker }) => ({ name: faker.word.noun() }),
});

export const postTagFactory = defineFactory(postTags, {
  associations: { postId: belongsTo(() => plainPostFactory), tagId: belongsTo(() => tagFactory) },
  defaults: () => ({}),
});

// Declared once both sides exist, since comments and post_tags refer back to posts:
// `posts.create({}, { has: { comments: 3, tags: 2 } })`.
export const postFactory = plainPostFactory
  .has(
    'comments',
    hasMany(() => commentFactory, 'postId', { count: 0 }),
  )
  .has(
    'tags',
    manyToMany(() => tagFactory, { through: () => postTagFactory, from: 'postId', to: 'tagId', count: 0 }),
  );
