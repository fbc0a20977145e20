import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadDeployConfig } from '../../deploy/config.js';
import { repoRoot } from './workflow-files.js';

// "Adding a service is one folder and one config entry": the machinery (workflows, templates,
// pipeline code, build, local stack, rehearsal, scaffold) must name no service. Where a service is
// named, a fork that renames or removes it has one more place to edit.
const services = Object.keys(loadDeployConfig().services);

/** Where the machinery lives; the sample app's own folders and its docs are not machinery. */
const machinery = ['.github', 'cloudformation', 'deploy', 'scripts', 'services/kit', 'services/local', 'test/act'];
const rootFiles = ['services/Dockerfile', 'package.json', 'tsconfig.json', 'vitest.config.ts', '.dockerignore'];

/** Files that may name a service, each with the reason. */
const allowed: Record<string, string> = {
  'deploy/config.yml': 'the one list of services',
  'deploy/verify.ts':
    "the smoke tests of the sample app's API (like path, fulfill-like refused); a fork writes its own",
};

/**
 * The sample's API paths and data, which carry the word of the like action, not a service's name:
 * `/mysfits/*\/like`, `fulfill-like`, the like-requests table (`LikeRequestsTableName`, …).
 */
const domainWords =
  /\/mysfits\/(\*|<id>|:id|\$\{[^}]*\})\/like|fulfill-like|like-?requests|LikeRequests|likeRequests/gi;

/** How code and config name a service: a path, a quoted name, a stack or family suffix, a PascalCase id. */
function namingPatterns(service: string): RegExp[] {
  const pascal = `${service.charAt(0).toUpperCase()}${service.slice(1)}`;
  return [
    new RegExp(`services/${service}\\b`),
    new RegExp(`['"\`]${service}['"\`]`),
    new RegExp(`[-/]${service}\\b`),
    new RegExp(`\\b${pascal}(?=[A-Z]|\\b)`),
    new RegExp(`^\\s*-\\s*${service}\\s*$`, 'm'),
    new RegExp(`[[,]\\s*${service}\\s*[\\],]`),
    new RegExp(`\\b${service}\\s*[=:]`),
  ];
}

/** Every `file:line: text` where `text` names one of `names`. */
function serviceNamings(files: Record<string, string>, names: string[]): string[] {
  const found: string[] = [];
  for (const [file, text] of Object.entries(files)) {
    for (const [i, line] of text.split('\n').entries()) {
      const stripped = line.replace(domainWords, '');
      for (const name of names) {
        if (namingPatterns(name).some((pattern) => pattern.test(stripped)))
          found.push(`${file}:${i + 1}: ${line.trim()}`);
      }
    }
  }
  return found;
}

function machineryFiles(): Record<string, string> {
  const listed = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', ...machinery], {
    cwd: repoRoot,
    encoding: 'utf8',
  })
    .split('\n')
    .filter((file) => file && !file.endsWith('.md') && !file.includes('/dist/') && !(file in allowed));
  return Object.fromEntries(
    [...listed, ...rootFiles].map((file) => [file, readFileSync(join(repoRoot, file), 'utf8')] as const),
  );
}

describe('no file outside deploy/config.yml and services/<name>/ names a service', () => {
  const files = machineryFiles();

  it('should scan the workflows, templates, pipeline, build, local stack, act rehearsal and scaffold', () => {
    expect(Object.keys(files)).toEqual(
      expect.arrayContaining([
        '.github/workflows/deploy.yml',
        '.github/workflows/environment.yml',
        '.github/workflows/ci.yml',
        'cloudformation/platform.yml',
        'cloudformation/scaling.yml',
        'cloudformation/service.yml',
        'deploy/pipeline.ts',
        'deploy/cost/cost-stack.ts',
        'scripts/build.mjs',
        'test/act/scenario.ts',
        'services/local/src/listener-rules.ts',
        'services/local/src/local-stack.ts',
        'services/Dockerfile',
      ]),
    );
  });

  it.each(services)('should find %s named nowhere in them', (service) => {
    expect(serviceNamings(files, [service])).toEqual([]);
  });

  it('should catch each way of naming a service', () => {
    const sample = {
      'a.yml': [
        'file: services/orders/Dockerfile',
        "const name = 'orders';",
        'stack: mysfits-scaling-orders',
        'Ref: OrdersBlueTargetGroup',
        '  - orders',
        'service: [web, orders]',
        'orders: 1',
        'fulfill-like and /mysfits/*/like are the API, not a service',
      ].join('\n'),
    };
    expect(serviceNamings(sample, ['orders', 'like'])).toHaveLength(7);
  });
});
