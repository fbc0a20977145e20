import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const { input, setOutput, standIn } = await import(`${process.env.ACT_STAND_INS}/lib/action.mjs`);
await standIn('actions/setup-node', () => {
  let wanted = input('node-version');
  const file = input('node-version-file');
  if (file) {
    const path = join(process.env.GITHUB_WORKSPACE ?? '.', file);
    if (!existsSync(path)) throw new Error(`node-version-file ${file} does not exist in the workspace`);
    wanted = readFileSync(path, 'utf8').trim().replace(/^v/, '');
  }
  if (!wanted) throw new Error('expected node-version or node-version-file, found neither');
  // act runs node actions and `run:` steps with the first node on its own PATH, so that is the one
  // this job gets; the real action would install `wanted`.
  const running = process.versions.node;
  if (running.split('.')[0] !== wanted.split('.')[0] || !`${running}.`.startsWith(`${wanted}.`)) {
    throw new Error(
      `the workflow asks for Node ${wanted}, but act's PATH starts with Node ${running}: put Node ${wanted} first on the PATH act runs with`,
    );
  }
  if (input('cache'))
    console.log(`cache: ${input('cache')} ignored (no cache service in the act run; npm uses ~/.npm)`);
  console.log(`Node ${running} at ${process.execPath} (wanted ${wanted})`);
  setOutput('node-version', `v${running}`);
});
