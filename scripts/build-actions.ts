// The actions' bundle: one esbuild run for every action, as github/codeql-action builds its
// actions. Code splitting puts each module (the AWS SDK, @actions/*, shared/) in exactly one output
// file, so a module several actions use ships once, in a chunk they all import; each action loads
// only its entry and the chunks it imports. Each action.yml's `runs.main` is `../dist/<name>.js`.
// Kept out of scripts/build.mjs, which the service images are built with: a change here rebuilds no
// image. Run through `node scripts/build.mjs actions`.

import { existsSync } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { type BuildOptions, build, type Metafile, type Plugin } from 'esbuild';

const root = fileURLToPath(new URL('..', import.meta.url));

/** Where the bundle goes: `<action>.js` per action and `chunks/` with what they share. */
export const actionsOutdir = join(root, 'actions', 'dist');

// ESM output may contain CommonJS dependencies that call require(); every chunk gets its own.
const requireShim =
  "import { createRequire as __createRequire } from 'node:module'; const require = __createRequire(import.meta.url);";

// @actions/core imports @actions/http-client, which imports undici (~400 KB) for a proxy agent the
// actions never use; declaring undici side-effect free lets esbuild drop it when nothing uses it.
const pureUndici: Plugin = {
  name: 'pure-undici',
  setup(pluginBuild) {
    pluginBuild.onResolve({ filter: /^undici$/ }, async (args) => {
      if (args.pluginData?.pureUndici) return undefined;
      const resolved = await pluginBuild.resolve(args.path, {
        kind: args.kind,
        resolveDir: args.resolveDir,
        pluginData: { pureUndici: true },
      });
      return { ...resolved, sideEffects: false };
    });
  },
};

/** The actions: every folder of actions/ with an action.yml, sorted so the build is reproducible. */
export async function actionNames(): Promise<string[]> {
  const dir = join(root, 'actions');
  const entries = await readdir(dir, { withFileTypes: true });
  return entries
    .filter((entry) => entry.isDirectory() && existsSync(join(dir, entry.name, 'action.yml')))
    .map((entry) => entry.name)
    .sort();
}

/** The esbuild options of the actions' bundle (the bundle test builds with them in memory). */
export async function actionsBuildOptions(): Promise<BuildOptions> {
  const names = await actionNames();
  return {
    entryPoints: names.map((name) => ({ in: join(root, 'actions', name, 'src/index.ts'), out: name })),
    outdir: actionsOutdir,
    // Chunk names carry a content hash: a chunk that changes gets a new name, so a stale one shows
    // up in `git status` as deleted plus untracked, never as a silent edit.
    chunkNames: 'chunks/[name]-[hash]',
    splitting: true,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    banner: { js: requireShim },
    legalComments: 'eof',
    logLevel: 'warning',
    minify: true,
    // Minified, yet a stack trace from a failed step still names our functions (~6% of the size).
    keepNames: true,
    // The AWS SDK clients' `main` is one CommonJS file with every command of the service; their ES
    // modules (`module`) let esbuild keep only the commands an action sends: about half the bundle.
    mainFields: ['module', 'main'],
    plugins: [pureUndici],
    // Metafile paths relative to the repository, whichever directory the build starts in.
    absWorkingDir: root,
  };
}

/** Builds actions/dist from scratch, so a chunk nothing imports any more does not stay behind. */
export async function buildActions(): Promise<void> {
  await rm(actionsOutdir, { recursive: true, force: true });
  await build(await actionsBuildOptions());
}

/** What a fresh build would write, without writing it: file contents by absolute path, and the metafile. */
export interface ActionsBuild {
  files: Map<string, string>;
  metafile: Metafile;
}

/** Builds the actions' bundle in memory (the bundle test compares it with actions/dist; the bench reads its graph). */
export async function buildActionsInMemory(): Promise<ActionsBuild> {
  const result = await build({ ...(await actionsBuildOptions()), write: false, metafile: true });
  return { files: new Map(result.outputFiles.map((file) => [file.path, file.text])), metafile: result.metafile };
}

/**
 * The output files (paths as the metafile has them, relative to the repository) that node loads
 * before an entry runs: the entry and every chunk it imports statically, transitively. Chunks behind
 * a dynamic import() (credential providers the actions do not use) are left out.
 */
export function loadedAtStart(metafile: Metafile, entry: string): string[] {
  const seen = new Set<string>();
  const visit = (file: string): void => {
    if (seen.has(file)) return;
    const output = metafile.outputs[file];
    if (!output)
      throw new Error(
        `expected ${file} among the bundle's outputs, found only ${Object.keys(metafile.outputs).join(', ')}`,
      );
    seen.add(file);
    for (const imported of output.imports)
      if (imported.kind === 'import-statement' && !imported.external) visit(imported.path);
  };
  visit(entry);
  return [...seen];
}
