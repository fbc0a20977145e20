import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { DOC_LIMITS } from '../src/ecs-doc-limits.js';
import { ECS_MODEL_SOURCES, ecsMembers, ecsShape } from '../src/ecs-model.js';
import model from '../src/ecs-model.json' with { type: 'json' };
import { REGISTER_FIELDS } from '../src/task-definition-fields.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const require = createRequire(import.meta.url);
const sdk = require('@aws-sdk/client-ecs') as Record<string, unknown>;
const shapes = model.shapes as Record<string, { type: string; members?: Record<string, string>; required?: string[] }>;

/** Runs the extraction script; resolves with its exit code and output. */
function extract(args: string[]): Promise<{ code: number; output: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [join(root, 'scripts/extract-ecs-model.ts'), ...args],
      { cwd: root, timeout: 240_000 },
      (error, stdout, stderr) => {
        resolve({ code: error ? Number(error.code ?? 1) : 0, output: `${stdout}${stderr}` });
      },
    );
  });
}

describe('the committed ECS model', () => {
  it('should have been extracted for the installed @aws-sdk/client-ecs', () => {
    const installed = (require('@aws-sdk/client-ecs/package.json') as { version: string }).version;
    expect(ECS_MODEL_SOURCES['@aws-sdk/client-ecs']).toBe(installed);
  });

  it("should name exactly the members and required members of the SDK's own schemas", () => {
    const structures = Object.entries(shapes).filter(([, shape]) => shape.type === 'structure');
    expect(structures.length).toBeGreaterThan(80);
    for (const [name, shape] of structures) {
      const schema = sdk[`${name}$`];
      expect(Array.isArray(schema), name).toBe(true);
      const members = (schema as unknown[])[4] as string[];
      const required = members.slice(0, Number((schema as unknown[])[6] ?? 0));
      expect(Object.keys(shape.members ?? {}).sort(), name).toEqual([...members].sort());
      expect([...(shape.required ?? [])].sort(), name).toEqual(required.sort());
    }
  });

  it('should know every top-level field the task-definition reader lets through', () => {
    expect([...REGISTER_FIELDS].sort()).toEqual(ecsMembers('RegisterTaskDefinitionRequest').sort());
  });

  it('should carry the enums deploys use, which the .venv botocore lacks', () => {
    expect(ecsShape('DeploymentStrategy').enum).toEqual(expect.arrayContaining(['ROLLING', 'BLUE_GREEN']));
    expect(ecsMembers('LoadBalancer')).toContain('advancedConfiguration');
  });

  it('should cite documented limits only for members the model has, of a number or list type', () => {
    for (const key of Object.keys(DOC_LIMITS)) {
      const [structure = '', member = ''] = key.split('.');
      const target = ecsShape(structure).members?.[member];
      expect(target, key).toBeDefined();
      expect(['integer', 'list'], key).toContain(ecsShape(target ?? '').type);
    }
  });

  it('should compile every pattern of the model as a Unicode regular expression', () => {
    const patterns = Object.values(model.shapes as Record<string, { pattern?: string }>).flatMap((s) =>
      s.pattern ? [s.pattern] : [],
    );
    expect(patterns.length).toBeGreaterThan(0);
    for (const pattern of patterns) expect(() => new RegExp(pattern, 'u')).not.toThrow();
  });
});

describe('scripts/extract-ecs-model.ts', () => {
  // Fetches the pinned botocore from PyPI on a machine that has not cached it yet.
  it('should regenerate the committed file byte for byte', { timeout: 240_000 }, async () => {
    const result = await extract(['--check']);
    expect(result.code, result.output).toBe(0);
    expect(result.output).toContain('is up to date');
  });

  it('should fail the check on a model that drifted (one member removed)', { timeout: 240_000 }, async () => {
    const drifted = JSON.parse(readFileSync(join(root, 'actions/shared/src/ecs-model.json'), 'utf8'));
    delete drifted.shapes.ContainerDefinition.members.restartPolicy;
    const file = join(mkdtempSync(join(tmpdir(), 'ecs-model-')), 'ecs-model.json');
    writeFileSync(file, JSON.stringify(drifted));
    const result = await extract(['--check', '--out', file]);
    expect(result.code).toBe(1);
    expect(result.output).toContain('differs from what the models give');
  });
});
