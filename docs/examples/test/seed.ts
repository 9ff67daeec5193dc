// test/seed.ts: sample data every file's schema starts with (the seedData option names this module)
import type { SeedData } from 'runtag';

const seed: SeedData = async ({ sql }) => {
  await sql`insert into users (role, email, clerk_id, first_name, last_name)
            values ('ADMIN', 'admin@seed.test', 'seed_admin', 'Ada', 'Admin')`;
};
export default seed;
