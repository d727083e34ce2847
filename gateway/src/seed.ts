import { join } from 'node:path';
import { loadEmbeddedConfig, subgraphDatabaseUrl } from './config';
import { subgraphs } from './subgraphs';

// `pnpm seed`: migrates every subgraph's database and loads the demo data into the empty ones,
// with the same database names `pnpm start` uses (SQLite under DATA_DIR, or <db>_<subgraph>).
const config = loadEmbeddedConfig(process.env, subgraphs);
for (const module of subgraphs) {
  const summary = await module.seed({
    databaseUrl: config.databaseUrl && subgraphDatabaseUrl(config.databaseUrl, module.name),
    sqliteFile: join(config.dataDir, `${module.name}.sqlite`),
  });
  console.log(summary);
}
