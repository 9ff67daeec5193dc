// A database per file, cloned from a migrated template (the IntegreSQL / pgtestdb way), dropped after the file.
import { randomBytes } from 'node:crypto';
import postgres from 'postgres';
import { afterAll, beforeAll } from 'vitest';
import { closeDatabase, openDatabase } from './database.js';

let admin: postgres.Sql | undefined;
let name = '';

beforeAll(async () => {
  admin ??= postgres(process.env.BENCH_ADMIN_URL!, { max: 1, onnotice: () => {} });
  name = `bench_file_${process.pid}_${randomBytes(4).toString('hex')}_test`;
  await admin.unsafe(`create database "${name}" template "${process.env.BENCH_TEMPLATE_DATABASE!}"`);
  const url = new URL(process.env.BENCH_ADMIN_URL!);
  url.pathname = `/${name}`;
  openDatabase(url.toString());
});
afterAll(async () => {
  await closeDatabase();
  await admin!.unsafe(`drop database "${name}" with (force)`);
});
