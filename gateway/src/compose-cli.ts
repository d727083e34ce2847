import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { renderEventsJsonSchema } from '@hub/contracts';
import { renderWebhooksSchema } from '@hub/deals';
import { composeArtifacts, CompositionError, findDrift } from './compose';
import { subgraphs } from './subgraphs';

// `pnpm compose` (--write) regenerates the committed schema files from the code — the SDL and
// the event catalogue's and the webhook deliveries' JSON Schemas; `pnpm schema:check` (--check) fails CI when a committed
// file no longer matches the code.
const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const USAGE = 'usage: tsx gateway/src/compose-cli.ts --write | --check';

async function main(mode: string | undefined): Promise<number> {
  if (mode !== '--write' && mode !== '--check') {
    console.error(USAGE);
    return 2;
  }
  const artifacts = [
    ...(await composeArtifacts(subgraphs)),
    { path: 'packages/contracts/events.schema.json', content: renderEventsJsonSchema() },
    { path: 'docs/webhooks.schema.json', content: renderWebhooksSchema() },
  ];
  if (mode === '--write') {
    for (const artifact of artifacts) {
      const file = join(ROOT, artifact.path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, artifact.content);
      console.log(`wrote ${artifact.path}`);
    }
    return 0;
  }
  const drifted = findDrift(artifacts, (path) => {
    const file = join(ROOT, path);
    return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  });
  if (drifted.length === 0) {
    console.log(`schema files match the code (${artifacts.map((a) => a.path).join(', ')})`);
    return 0;
  }
  console.error(`These committed schema files differ from what the code produces:\n${drifted.map((p) => `  - ${p}`).join('\n')}`);
  console.error('Run `pnpm compose` and commit the result (check the diff: a removed or renamed field breaks clients).');
  return 1;
}

main(process.argv[2]).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error instanceof CompositionError ? error.message : error);
    process.exit(1);
  },
);
