import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { type ActionsBuild, actionNames, actionsOutdir, buildActionsInMemory } from '../../../scripts/build-actions.ts';
import { actionMain } from './support/action-step.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
// Modules every action uses: if a second copy of them ships, the bundle is no longer shared.
const SHARED_PACKAGES = /node_modules\/(@aws-sdk|@smithy|@actions)\//;

let fresh: ActionsBuild;
let names: string[];

beforeAll(async () => {
  [fresh, names] = await Promise.all([buildActionsInMemory(), actionNames()]);
});

function filesOnDisk(): string[] {
  return readdirSync(actionsOutdir, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => join(entry.parentPath, entry.name))
    .sort();
}

describe('the actions bundle (actions/dist)', () => {
  it("should point every action.yml's runs.main at that action's entry of the build", () => {
    expect(names.length).toBeGreaterThan(0);
    for (const name of names) {
      const main = relative(root, actionMain(name));
      const output = fresh.metafile.outputs[main];
      expect(output?.entryPoint, `${name}: runs.main ${main} is not an entry of the build`).toBe(
        `actions/${name}/src/index.ts`,
      );
    }
  });

  it('should hold exactly what a fresh build writes (run `node scripts/build.mjs actions` when not)', () => {
    const onDisk = filesOnDisk();
    expect(onDisk.map((file) => relative(root, file))).toEqual(
      [...fresh.files.keys()].map((file) => relative(root, file)).sort(),
    );
    for (const file of onDisk) {
      expect(
        readFileSync(file, 'utf8') === fresh.files.get(file),
        `${relative(root, file)} differs from a fresh build`,
      ).toBe(true);
    }
  });

  it('should ship each module of the AWS SDK and @actions/* once, in a chunk, not in an entry', () => {
    const outputsOf = new Map<string, string[]>();
    for (const [output, { inputs }] of Object.entries(fresh.metafile.outputs)) {
      for (const input of Object.keys(inputs).filter((path) => SHARED_PACKAGES.test(path))) {
        outputsOf.set(input, [...(outputsOf.get(input) ?? []), output]);
      }
    }
    expect(outputsOf.size).toBeGreaterThan(0);
    const copied = [...outputsOf].filter(([, outputs]) => outputs.length > 1);
    expect(copied, 'modules that ship more than once').toEqual([]);
    // The files as committed: the SDK's user-agent middleware and @actions/core are used by every
    // action, so they belong in one chunk; a per-action build would put a copy in each entry.
    for (const marker of ['x-amz-user-agent', 'GITHUB_OUTPUT']) {
      const holders = filesOnDisk().filter((file) => readFileSync(file, 'utf8').includes(marker));
      expect(
        holders.map((file) => relative(actionsOutdir, file)),
        marker,
      ).toEqual([expect.stringMatching(/^chunks\//)]);
    }
  });
});
