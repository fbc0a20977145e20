import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

/*
 * Every action test goes through the one harness in actions/shared/test/support/action-step.ts:
 * no test borrows another action's test helpers, and none sets INPUT_* itself (the harness checks
 * each input against action.yml, a hand-rolled setter would not).
 */

const actionsDir = fileURLToPath(new URL('../../', import.meta.url));
const HARNESS = 'shared/test/support/';
const ENTRY = `${HARNESS}action-step.js`;
const INPUT = `INPUT${'_'}`;

/** The ways a test could touch an input variable without the harness: through process.env, a string, an object key. */
const SETTERS = [
  new RegExp(`process\\.env\\.${INPUT}`),
  new RegExp(`[\`'"]${INPUT}`),
  new RegExp(`(^|[\\s{,])${INPUT}[A-Z0-9_-]*\\s*:`, 'm'),
];

/** What in one test file (a path below actions/) goes around the shared harness. */
function harnessViolations(file: string, text: string): string[] {
  const own = file.split('/')[0];
  const found: string[] = [];
  const specifiers = [...text.matchAll(/\bfrom\s+['"]([^'"]+)['"]|\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)].map(
    (m) => m[1] ?? m[2] ?? '',
  );
  for (const specifier of specifiers.filter((s) => s.startsWith('.'))) {
    const target = relative(actionsDir, resolve(actionsDir, dirname(file), specifier))
      .split(sep)
      .join('/');
    const [action, folder] = target.split('/');
    if (target.startsWith('..') || folder !== 'test' || action === own) continue;
    if (target !== ENTRY) found.push(`${file}: imports '${specifier}' from another action's tests, not ${ENTRY}`);
  }
  if (own !== 'shared' && specifiers.includes('../src/main.js') && !usesHarness(file, specifiers)) {
    found.push(`${file}: runs ../src/main.js without useActionStep from ${ENTRY}`);
  }
  if (!file.startsWith(HARNESS)) {
    for (const pattern of SETTERS) if (pattern.test(text)) found.push(`${file}: sets ${INPUT}* itself (${pattern})`);
  }
  return found;
}

/** The harness is imported by the file, or by one of its own action's support modules it imports. */
function usesHarness(file: string, specifiers: string[], read = readSupport): boolean {
  if (specifiers.some((s) => s.endsWith(ENTRY))) return true;
  return specifiers
    .filter((s) => s.startsWith('./support/'))
    .some((s) => read(join(dirname(file), s.replace(/\.js$/, '.ts'))).includes(ENTRY.replace(HARNESS, 'support/')));
}

function readSupport(path: string): string {
  return readFileSync(join(actionsDir, path), 'utf8');
}

function testFiles(): string[] {
  return readdirSync(actionsDir, { recursive: true, encoding: 'utf8' })
    .map((path) => path.split(sep).join('/'))
    .filter((path) => /^[^/]+\/test\/.+\.ts$/.test(path));
}

describe('action tests use the shared harness', () => {
  it("should find no test under actions/ that imports another action's tests or sets inputs itself", () => {
    const files = testFiles();
    expect(files.length).toBeGreaterThan(30);
    expect(files.flatMap((file) => harnessViolations(file, readFileSync(join(actionsDir, file), 'utf8')))).toEqual([]);
  });

  it('should flag each way around the harness, and not the harness itself', () => {
    const env = 'process.env';
    const importOf = (name: string, path: string) => `import { ${name} } from '${path}';`;
    const test = 'cleanup/test/a.test.ts';
    expect(harnessViolations(test, importOf('f', '../../ecs-deploy/test/support/ecs-fixtures.js'))).toHaveLength(1);
    expect(harnessViolations(test, importOf('runBundle', '../../shared/test/support/run-bundle.js'))).toHaveLength(1);
    expect(harnessViolations(test, importOf('run', '../src/main.js'))).toHaveLength(1);
    expect(harnessViolations(test, `${env}.${INPUT}ENVIRONMENT = 'dev';`)).toHaveLength(1);
    expect(harnessViolations(test, `${env}['${INPUT}DRY-RUN'] = 'true';`)).toHaveLength(1);
    expect(harnessViolations(test, `${env}[\`${INPUT}\${name}\`] = value;`)).toHaveLength(1);
    expect(harnessViolations(test, `const env = { ${INPUT}CONFIRM: 'dev' };`)).toHaveLength(1);

    const harnessed = [
      importOf('run', '../src/main.js'),
      importOf('useActionStep', '../../shared/test/support/action-step.js'),
      importOf('startMoto', '../../../test/support/moto.js'),
      importOf('account', './support/fake-environment.js'),
      `// the runner starts it with ${INPUT}* variables`,
    ].join('\n');
    expect(harnessViolations(test, harnessed)).toEqual([]);
    expect(harnessViolations(`${HARNESS}run-bundle.ts`, `env[\`${INPUT}\${name}\`] = value;`)).toEqual([]);
  });

  it("should accept main run through the action's own support module that uses the harness", () => {
    const specifiers = ['../src/main.js', './support/cfn-fixtures.js'];
    const support = (uses: boolean) => () => (uses ? `from '../../../${ENTRY}';` : "from 'aws-sdk-client-mock';");
    expect(usesHarness('cfn-deploy/test/a.test.ts', specifiers, support(true))).toBe(true);
    expect(usesHarness('cfn-deploy/test/a.test.ts', specifiers, support(false))).toBe(false);
  });
});
