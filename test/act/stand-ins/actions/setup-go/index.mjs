import { execFileSync } from 'node:child_process';

const { setOutput, standIn } = await import(`${process.env.ACT_STAND_INS}/lib/action.mjs`);
await standIn('actions/setup-go', () => {
  const version = execFileSync('go', ['env', 'GOVERSION'], { encoding: 'utf8' }).trim();
  console.log(`go ${version} from the PATH (the real action installs the asked version)`);
  setOutput('go-version', version.replace(/^go/, ''));
});
