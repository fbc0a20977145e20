// `npm run new-service -- <name> [--path '/<name>/*' ...] [--internal] [--skip-install]`:
// scaffolds services/<name>/ and its deploy/config.yml entry, links the new workspace (npm
// install, so the lockfile knows it) and says what the next push does.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { scaffoldService } from './new-service/scaffold.js';

const root = fileURLToPath(new URL('../', import.meta.url));

function readArgs(argv: string[]): { name: string; paths?: string[]; internal: boolean; install: boolean } {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      path: { type: 'string', multiple: true },
      internal: { type: 'boolean', default: false },
      'skip-install': { type: 'boolean', default: false },
    },
  });
  const [name, ...extra] = positionals;
  if (!name)
    throw new Error("Expected a service name: npm run new-service -- <name> [--path '/<name>/*'] [--internal]");
  if (extra.length > 0) throw new Error(`Expected one service name, found ${positionals.join(', ')}.`);
  return {
    name,
    ...(values.path ? { paths: values.path } : {}),
    internal: values.internal,
    install: !values['skip-install'],
  };
}

try {
  const args = readArgs(process.argv.slice(2));
  const result = scaffoldService({ root, ...args });
  console.log(`Created the ${args.name} service:`);
  for (const file of result.files) console.log(`  ${file}`);
  if (args.install) {
    // The new folder is a workspace (services/*): the lockfile must know it, or npm ci fails in CI.
    execFileSync('npm', ['install', '--ignore-scripts', '--no-audit', '--no-fund'], { cwd: root, stdio: 'inherit' });
    console.log('  package-lock.json (npm install linked the new workspace)');
  }
  console.log('\nTry it here first: npm start (routes its paths to it), npm test, npm run rehearse.');
  console.log('\nOn the next push to main:');
  for (const line of result.nextPush) console.log(`  - ${line}`);
  console.log(
    '\nTo remove it later, delete services/' +
      `${args.name}/ and its entry in deploy/config.yml: the next deploy deletes its ECS service and stacks.`,
  );
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
