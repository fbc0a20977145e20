import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDeployConfig } from '../../deploy/config.js';
import { repoRoot } from './workflow-files.js';

// What a fork would have to edit if it were written into the files below: the account, the owner
// or repository, the region. deploy/config.yml is the one place for the region; the account and
// repository come from the bootstrap stack and `github.*` at run time.
const ACCOUNT_ID = /(?<![\d.])\d{12}(?![\d.])/g;
const REGION =
  /\b(?:us|eu|ap|sa|ca|me|af|il|mx|cn)-(?:gov-)?(?:north|south|east|west|central|northeast|northwest|southeast|southwest)-\d\b/g;
// `repo:owner/name` (OIDC subjects) and github.com/owner/name links name one repository.
const REPOSITORY = /\brepo:[\w.-]+\/[\w.-]+|github\.com\/(?!orgs\/)[\w.-]+\/[\w.-]+/g;
// Third-party actions are named by their owners, which is fine; only these owners are expected.
const ACTION_OWNERS = new Set(['actions', 'docker', 'aws-actions']);

/** Every hard-coded account id, region or repository name in a text, as `line: match`. */
function findHardCoded(text: string): string[] {
  const found: string[] = [];
  for (const [i, line] of text.split('\n').entries()) {
    const uses = /^\s*(?:-\s+)?uses:\s*([\w.-]+)\//.exec(line);
    if (uses && !ACTION_OWNERS.has(uses[1] ?? '') && uses[1] !== '.') found.push(`${i + 1}: action owner ${uses[1]}`);
    for (const pattern of [ACCOUNT_ID, REGION, REPOSITORY]) {
      for (const match of line.matchAll(pattern)) found.push(`${i + 1}: ${match[0]}`);
    }
  }
  return found;
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}

const scanned = [
  ...filesUnder(join(repoRoot, '.github')),
  ...filesUnder(join(repoRoot, 'cloudformation')).filter((file) => file.endsWith('.yml')),
  ...Object.keys(loadDeployConfig().services).flatMap((service) =>
    filesUnder(join(repoRoot, 'services', service, 'deploy')),
  ),
  // deploy/cost/ prices with a dated us-east-1 price table: a region's data, named by its region.
  ...filesUnder(join(repoRoot, 'deploy')).filter(
    (file) => !file.endsWith('config.yml') && !file.includes('/deploy/cost/') && !file.includes('node_modules'),
  ),
];

describe('nothing fork-specific is hard-coded', () => {
  it('should scan the workflows, templates, deploy definitions and pipeline code', () => {
    const names = scanned.map((file) => relative(repoRoot, file));
    expect(names).toEqual(
      expect.arrayContaining([
        '.github/workflows/deploy.yml',
        '.github/workflows/environment.yml',
        '.github/dependabot.yml',
        'cloudformation/bootstrap.yml',
        'services/monolith/deploy/service.yml',
        'services/like/deploy/task-definition.yml',
        'deploy/pipeline.ts',
      ]),
    );
  });

  it.each(scanned.map((file) => [relative(repoRoot, file), file]))(
    'should find no account id, region or repository name in %s',
    (_name, file) => {
      expect(findHardCoded(readFileSync(file, 'utf8'))).toEqual([]);
    },
  );

  it('should catch each kind of hard-coded value', () => {
    const sample = [
      'role: arn:aws:iam::123456789012:role/deploy',
      'region: eu-central-1',
      'sub: repo:octo-org/mysfits:ref:refs/heads/main',
      '      - uses: someone/action@0123456789abcdef0123456789abcdef01234567 # v1.0.0',
      'ok: !Sub arn:aws:iam::$\u007BAWS::AccountId}:role/x $\u007BAWS::Region} ./actions/cfn-deploy 10.0.0.0/16',
    ].join('\n');
    expect(findHardCoded(sample)).toEqual([
      '1: 123456789012',
      '2: eu-central-1',
      '3: repo:octo-org/mysfits',
      '4: action owner someone',
    ]);
  });

  it('should keep the region in deploy/config.yml', () => {
    expect(readFileSync(join(repoRoot, 'deploy/config.yml'), 'utf8')).toMatch(new RegExp(REGION.source));
  });
});
