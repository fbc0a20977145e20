import { cpSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environmentConfig, loadDeployConfig, repoRoot } from '../../deploy/config.js';
import { scaffoldService } from '../../scripts/new-service/scaffold.js';

describe('npm run new-service with per-environment overrides in deploy/config.yml', () => {
  it("should add the service, keep the other services' overrides, and give it each environment's defaults", () => {
    const root = mkdtempSync(join(tmpdir(), 'scaffold-envs-'));
    mkdirSync(join(root, 'deploy'));
    mkdirSync(join(root, 'services', 'kit'), { recursive: true });
    cpSync(join(repoRoot, 'services/kit/package.json'), join(root, 'services/kit/package.json'));
    const text = readFileSync(join(repoRoot, 'deploy/config.yml'), 'utf8').replace(
      '      minCount: 2\n',
      '      minCount: 2\n    services:\n      like: { cpu: 512, memory: 1024 }\n',
    );
    writeFileSync(join(root, 'deploy/config.yml'), text);

    const result = scaffoldService({ root, name: 'reviews' });

    const config = loadDeployConfig(join(root, 'deploy/config.yml'));
    expect(result.files).toContain('deploy/config.yml');
    expect(environmentConfig(config, 'production').services.like).toMatchObject({ cpu: 512, memory: 1024 });
    expect(environmentConfig(config, 'production').services.reviews).toMatchObject({
      desiredCount: 2,
      capacity: 'FARGATE',
    });
    expect(environmentConfig(config, 'staging').services.reviews).toMatchObject({ capacity: 'FARGATE_SPOT' });
  });
});
