// One build for everything that ships as a bundle: each service's server (what its image runs)
// and the actions' shared bundle in actions/dist/ (what the runner runs; scripts/build-actions.ts).
// Usage: node scripts/build.mjs [services [<service> ...] | actions]; the services are those of
// deploy/config.yml unless named (the image build names its one service).

import { existsSync } from 'node:fs';
import { cp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const [only, ...names] = process.argv.slice(2);

// ESM bundles may contain CommonJS dependencies that call require().
const requireShim =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

const common = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  banner: { js: requireShim },
  legalComments: 'eof',
  logLevel: 'warning',
};

/** The services of deploy/config.yml (imported only when needed: the image build has no deploy/). */
async function configuredServices() {
  const { loadDeployConfig } = await import('../deploy/config.ts');
  return Object.keys(loadDeployConfig().services);
}

async function buildServices() {
  for (const name of names.length > 0 ? names : await configuredServices()) {
    const dir = join(root, 'services', name);
    await rm(join(dir, 'dist'), { recursive: true, force: true });
    await build({
      ...common,
      entryPoints: [join(dir, 'src/server.ts')],
      outfile: join(dir, 'dist/server.js'),
      minify: true,
      sourcemap: false,
    });
    if (existsSync(join(dir, 'src/public')))
      await cp(join(dir, 'src/public'), join(dir, 'dist/public'), { recursive: true });
  }
}

if (only !== 'actions') await buildServices();
if (only !== 'services') {
  // Imported only here: the image build copies this file alone and builds services.
  const { buildActions } = await import('./build-actions.ts');
  await buildActions();
}
