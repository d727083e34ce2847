import { loadPartnersConfig } from './config';
import { seedDemoData } from './seeds/seed';
import { openPartnersDatabase } from './server';

// `pnpm seed`: migrate and load the demo data into the configured database (MySQL or SQLite).
const config = loadPartnersConfig();
const database = await openPartnersDatabase({ url: config.DATABASE_URL, sqliteFile: config.SQLITE_FILE });
const loaded = await seedDemoData(database);
console.log(
  loaded.partners > 0
    ? `partners: loaded ${loaded.partners} demo partners and ${loaded.distributors} distributors`
    : 'partners: demo data already present, nothing loaded',
);
await database.dataSource.destroy();
