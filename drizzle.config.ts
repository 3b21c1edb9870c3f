import { defineConfig } from 'drizzle-kit';

export default defineConfig({
  dialect: 'postgresql',
  schema: './collector/db/schema',
  out: './collector/db/migrations',
  casing: 'snake_case',
});
