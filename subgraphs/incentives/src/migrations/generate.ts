import { writeFileSync } from 'node:fs';
import { generateMigration } from '@hub/db/cli';
import { incentivesEntities } from '../entities';
import { incentivesMigrations } from './index';

const [name] = process.argv.slice(2);
if (!name || !/^[A-Za-z]+$/.test(name)) {
  console.error('usage: migration:generate <Name>   (letters only, e.g. AddReviews)');
  process.exit(2);
}
const className = `${name}${Date.now()}`;
const source = await generateMigration(incentivesEntities, incentivesMigrations, className);
const file = new URL(`./${className}.ts`, import.meta.url);
writeFileSync(file, source);
console.log(`wrote ${file.pathname}; add it to src/migrations/index.ts`);
