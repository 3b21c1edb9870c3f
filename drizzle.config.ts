import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './collector/db/schema.ts',
  out: './collector/db/migrations',
  casing: 'snake_case',
});
