// A stand-in for the GitHub CLI: a `gh` script on PATH that records every call and answers the
// few commands `npm run bootstrap` uses the way gh does (exit codes, stdout, the 404 wording),
// keeping the repository's environments and variables in a JSON file.
import { chmodSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface GhStubState {
  loggedIn: boolean;
  repository: string;
  environments: string[];
  /** environment → variable name → value */
  variables: Record<string, Record<string, string>>;
}

export interface GhStub {
  /** Prepend to PATH. */
  dir: string;
  env: Record<string, string>;
  calls(): string[][];
  state(): GhStubState;
  setState(state: Partial<GhStubState>): void;
  clearCalls(): void;
}

const script = (node: string) => `#!${node}
const fs = require('node:fs');
const path = require('node:path');
const dir = process.env.GH_STUB_DIR;
const args = process.argv.slice(2);
fs.appendFileSync(path.join(dir, 'calls.jsonl'), JSON.stringify(args) + '\\n');
const statePath = path.join(dir, 'state.json');
const state = JSON.parse(fs.readFileSync(statePath, 'utf8'));
const save = () => fs.writeFileSync(statePath, JSON.stringify(state));
const out = (text) => { process.stdout.write(text + '\\n'); process.exit(0); };
const fail = (text, code = 1) => { process.stderr.write(text + '\\n'); process.exit(code); };
const option = (name) => { const at = args.indexOf(name); return at >= 0 ? args[at + 1] : undefined; };
if (!state.loggedIn && !(args[0] === 'auth' && args[1] === 'status')) fail('To get started with GitHub CLI, please run:  gh auth login', 4);
if (args[0] === 'auth' && args[1] === 'status') {
  if (!state.loggedIn) fail('You are not logged into any GitHub hosts. To log in, run: gh auth login');
  out('github.com\\n  ✓ Logged in to github.com account octo (keyring)');
}
if (args[0] === 'repo' && args[1] === 'view' && option('--json') === 'nameWithOwner') out(state.repository);
if (args[0] === 'api') {
  const method = option('-X') ?? 'GET';
  const match = /^repos\\/([^/]+\\/[^/]+)\\/environments\\/([^/]+)$/.exec(args[args.length - 1]);
  if (!match || match[1] !== state.repository) fail('gh: Not Found (HTTP 404)');
  const name = match[2];
  if (method === 'PUT') {
    if (!state.environments.includes(name)) state.environments.push(name);
    save();
    out(JSON.stringify({ name, protection_rules: [] }));
  }
  if (method === 'GET') {
    if (state.environments.includes(name)) out(JSON.stringify({ name, protection_rules: [] }));
    fail('gh: Not Found (HTTP 404)');
  }
}
if (args[0] === 'variable' && (args[1] === 'get' || args[1] === 'set')) {
  const env = option('--env');
  if (option('--repo') !== state.repository || !state.environments.includes(env)) fail('HTTP 404: Not Found');
  const variables = state.variables[env] ?? {};
  if (args[1] === 'get') {
    if (variables[args[2]] === undefined) fail('variable ' + args[2] + ' was not found');
    out(variables[args[2]]);
  }
  variables[args[2]] = option('--body');
  state.variables[env] = variables;
  save();
  out('');
}
fail('gh stub: unexpected call gh ' + args.join(' '), 2);
`;

/** Writes the stub into a fresh directory, signed in to `repository` with no environments. */
export function createGhStub(repository: string): GhStub {
  const dir = mkdtempSync(join(tmpdir(), 'gh-stub-'));
  const path = join(dir, 'gh');
  writeFileSync(path, script(process.execPath));
  chmodSync(path, 0o755);
  const statePath = join(dir, 'state.json');
  const callsPath = join(dir, 'calls.jsonl');
  const initial: GhStubState = { loggedIn: true, repository, environments: [], variables: {} };
  writeFileSync(statePath, JSON.stringify(initial));
  writeFileSync(callsPath, '');
  const state = () => JSON.parse(readFileSync(statePath, 'utf8')) as GhStubState;
  return {
    dir,
    env: { GH_STUB_DIR: dir, PATH: `${dir}:${process.env.PATH ?? ''}` },
    calls: () =>
      readFileSync(callsPath, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((line) => JSON.parse(line) as string[]),
    state,
    setState: (partial) => writeFileSync(statePath, JSON.stringify({ ...state(), ...partial })),
    clearCalls: () => writeFileSync(callsPath, ''),
  };
}
