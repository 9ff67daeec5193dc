import type { SeedData } from 'runtag';

/**
 * Sample data every file's schema starts with (vitest.config: runtagOptions.seedData). It runs as
 * the schema's own role while runtag's pool builds the schema, so no file waits for it.
 */
const seed: SeedData = async ({ sql }) => {
  await sql`insert into organizations (name, slug) values ('Acme (seed)', 'acme-seed')`;
  // Explicit ids, as fixtures often have: runtag moves the identity sequence past them afterwards.
  await sql`insert into users (id, handle, email, display_name) overriding system value values
    (1, 'ada', 'ada@seed.test', 'Ada'), (2, 'grace', 'grace@seed.test', 'Grace'), (50, 'linus', 'linus@seed.test', 'Linus')`;
};

export default seed;
