import { writeFileSync } from 'node:fs';
import { generateMigration } from '@hub/db/cli';
import { licensesEntities } from '../entities';
import { licensesMigrations } from './index';

const [name] = process.argv.slice(2);
if (!name || !/^[A-Za-z]+$/.test(name)) {
  console.error('usage: migration:generate <Name>   (letters only, e.g. AddReviews)');
  process.exit(2);
}
const className = `${name}${Date.now()}`;
const source = await generateMigration(licensesEntities, licensesMigrations, className);
const file = new URL(`./${className}.ts`, import.meta.url);
writeFileSync(file, source);
console.log(`wrote ${file.pathname}; add it to src/migrations/index.ts`);
