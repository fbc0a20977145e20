// One build for everything that ships as a bundle: each service's server (what its image runs)
// and each action's dist/index.js (what the runner runs).
// Usage: node scripts/build.mjs [services [<service> ...] | actions]; the services are those of
// deploy/config.yml unless named (the image build names its one service).

import { existsSync } from 'node:fs';
import { cp, readdir, rm } from 'node:fs/promises';
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

// @actions/core imports @actions/http-client, which imports undici (~400 KB) for a proxy agent the
// actions never use; declaring undici side-effect free lets esbuild drop it when nothing uses it.
const pureUndici = {
  name: 'pure-undici',
  setup(build) {
    build.onResolve({ filter: /^undici$/ }, async (args) => {
      if (args.pluginData?.pureUndici) return undefined;
      const resolved = await build.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: { pureUndici: true },
      });
      return { ...resolved, sideEffects: false };
    });
  },
};

const actionOptions = {
  minify: true,
  // Minified, yet a stack trace from a failed step still names our functions (~6% of the size).
  keepNames: true,
  // The AWS SDK clients' `main` is one CommonJS file with every command of the service; their ES
  // modules (`module`) let esbuild keep only the commands an action sends: about half the bundle.
  mainFields: ['module', 'main'],
  plugins: [pureUndici],
};

async function buildActions() {
  const dir = join(root, 'actions');
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const actionDir = join(dir, entry.name);
    if (!entry.isDirectory() || !existsSync(join(actionDir, 'action.yml'))) continue;
    await build({
      ...common,
      ...actionOptions,
      entryPoints: [join(actionDir, 'src/index.ts')],
      outfile: join(actionDir, 'dist/index.js'),
    });
  }
}

if (only !== 'actions') await buildServices();
if (only !== 'services') await buildActions();
