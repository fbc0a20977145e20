import { cpSync, existsSync, mkdirSync, statSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';

const { input, setOutput, standIn } = await import(`${process.env.ACT_STAND_INS}/lib/action.mjs`);
await standIn('actions/upload-artifact', () => {
  const name = input('name') || 'artifact';
  const root = process.env.ACT_ARTIFACTS_DIR;
  if (!root) throw new Error('ACT_ARTIFACTS_DIR is not set');
  const paths = input('path')
    .split('\n')
    .map((line) => line.trim())
    .filter(Boolean);
  if (paths.length === 0) throw new Error('expected a path, found none');
  const found = paths
    .map((path) => resolve(process.env.GITHUB_WORKSPACE ?? '.', path))
    .filter((path) => existsSync(path));
  if (found.length === 0) {
    const message = `No files were found with the provided path: ${paths.join(', ')}. No artifacts will be uploaded.`;
    if (input('if-no-files-found') === 'error') throw new Error(message);
    console.log(`::warning::${message}`);
    return;
  }
  const target = join(root, name);
  mkdirSync(target, { recursive: true });
  for (const path of found) {
    if (statSync(path).isDirectory()) cpSync(path, target, { recursive: true });
    else cpSync(path, join(target, basename(path)));
  }
  console.log(`Artifact ${name}: ${found.join(', ')} copied to ${target}`);
  setOutput('artifact-id', name);
});
