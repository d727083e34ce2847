// `pnpm --filter @hub/gateway build`: bundles the standalone gateway (src/index.ts) and the
// workspace packages it imports into dist/index.js, so production runs plain JavaScript rather
// than compiling TypeScript through tsx at start-up and keeping its source maps in memory. The
// package's own dependencies stay imports, resolved from its node_modules at run time (one
// graphql instance; the Rust query planner finds its native binary next to itself).
//
// `node build.mjs <entry> <outfile> <package.json>` bundles another entry the same way, keeping
// that package's dependencies external (the gateway benchmark builds its Apollo Gateway so).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import process from 'node:process';
import { URL, fileURLToPath } from 'node:url';

const here = (path) => fileURLToPath(new URL(path, import.meta.url));
const [entry = here('./src/index.ts'), outfile = here('./dist/index.js'), packageJson = here('./package.json')] = process.argv.slice(2);

const pkg = JSON.parse(readFileSync(packageJson, 'utf8'));
// esbuild is not a dependency of its own: it comes with tsx, which the workspace already has.
const { build } = createRequire(createRequire(import.meta.url).resolve('tsx/package.json'))('esbuild');

const external = Object.entries({ ...pkg.dependencies, ...pkg.devDependencies })
  .filter(([, version]) => !version.startsWith('workspace:'))
  .flatMap(([name]) => [name, `${name}/*`]);

await build({
  entryPoints: [entry],
  outfile,
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node20',
  external,
  sourcemap: 'linked',
  // Bundled CommonJS code may still call require().
  banner: { js: "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);" },
  logLevel: 'warning',
});
