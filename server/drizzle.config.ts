import { defineConfig } from "drizzle-kit";

// Run from server/: `npx drizzle-kit generate` reads every feature table file.
export default defineConfig({
  dialect: "postgresql",
  schema: "./src/features/*/*.table.ts",
  out: "../migrations",
});
