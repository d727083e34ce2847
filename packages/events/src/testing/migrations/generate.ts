/**
 * Regenerates the tests' migration after an entity changes:
 * `npx tsx packages/events/src/testing/migrations/generate.ts <Name>`.
 */
import { writeFileSync } from 'node:fs';
import { generateMigration } from '@hub/db/cli';
import { testEntities } from '../test-database';

const [name] = process.argv.slice(2);
if (!name || !/^[A-Za-z]+$/.test(name)) {
  console.error('usage: generate.ts <Name>   (letters only, e.g. EventsTables)');
  process.exit(2);
}
const className = `${name}${Date.now()}`;
const source = await generateMigration(testEntities, [], className);
const file = new URL(`./${className}.ts`, import.meta.url);
writeFileSync(file, source);
console.log(`wrote ${file.pathname}; use it in ../test-database.ts`);
