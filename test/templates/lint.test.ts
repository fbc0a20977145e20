import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { repoRoot, templateFiles } from './templates.js';

const venv = `${repoRoot}.venv/bin`;

function run(tool: string, args: string[]) {
  const bin = `${venv}/${tool}`;
  if (!existsSync(bin))
    throw new Error(`Expected ${bin}; run 'npm test' (its pretest installs .venv) or scripts/setup.sh.`);
  const result = spawnSync(bin, args, { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
  if (result.error) throw result.error;
  return result;
}

describe('template linters', () => {
  it('should find the six templates', () => {
    expect(templateFiles).toEqual([
      'bootstrap.yml',
      'ec2-capacity.yml',
      'network.yml',
      'platform.yml',
      'scaling.yml',
      'service.yml',
    ]);
  });

  // One cfn-lint process for every template; the repo's .cfnlintrc supplies the configuration.
  it('should pass cfn-lint with zero errors and zero warnings', () => {
    const result = run('cfn-lint', ['--format', 'parseable', ...templateFiles.map((name) => `cloudformation/${name}`)]);
    expect(`${result.stdout}${result.stderr}`.trim()).toBe('');
    expect(result.status).toBe(0);
  }, 120_000);

  it('should pass checkov with zero failed checks and a reason beside every skip', () => {
    const result = run('checkov', ['-d', 'cloudformation', '--framework', 'cloudformation', '-o', 'json']);
    const report = JSON.parse(result.stdout) as {
      summary: { passed: number; failed: number; parsing_errors: number; resource_count: number };
      results: {
        failed_checks: Array<{ check_id: string; resource: string }>;
        skipped_checks: Array<{ check_id: string; resource: string; check_result: { suppress_comment?: string } }>;
      };
    };
    expect(report.results.failed_checks.map((check) => `${check.check_id} ${check.resource}`)).toEqual([]);
    expect(report.summary.failed).toBe(0);
    expect(report.summary.parsing_errors).toBe(0);
    expect(report.summary.passed).toBeGreaterThan(50);
    expect(report.results.skipped_checks.length).toBeGreaterThan(0);
    for (const skipped of report.results.skipped_checks) {
      expect(
        skipped.check_result.suppress_comment?.length ?? 0,
        `${skipped.check_id} on ${skipped.resource}`,
      ).toBeGreaterThan(20);
    }
    expect(result.status).toBe(0);
  }, 120_000);
});
