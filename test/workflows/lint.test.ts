import { execFile } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const actionlint = `${root}.tools/bin/actionlint`;
const venvBin = `${root}.venv/bin`;
const workflows = readdirSync(`${root}.github/workflows`).map((name) => `.github/workflows/${name}`);

function run(command: string, args: string[]): Promise<{ code: number; out: string; stdout: string }> {
  return new Promise((resolve) => {
    execFile(
      command,
      args,
      // shellcheck from .venv on PATH: actionlint checks every `run:` script with it.
      { cwd: root, timeout: 60_000, env: { ...process.env, PATH: `${venvBin}:${process.env.PATH ?? ''}` } },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        resolve({ code, out: `${stdout}${stderr}`, stdout });
      },
    );
  });
}

function requireTool(path: string): void {
  if (!existsSync(path)) throw new Error(`expected ${path}; run 'npm test' (its pretest runs scripts/setup.sh all)`);
}

describe('workflow linters', () => {
  it('should find the four workflows', () => {
    expect(workflows.sort()).toEqual([
      '.github/workflows/ci.yml',
      '.github/workflows/cleanup.yml',
      '.github/workflows/deploy.yml',
      '.github/workflows/environment.yml',
    ]);
  });

  it('should have actionlint (with shellcheck) report nothing', async () => {
    requireTool(actionlint);
    requireTool(`${venvBin}/shellcheck`);
    const result = await run(actionlint, ['-no-color', '-verbose', ...workflows]);
    expect(result.out).toContain('Found total 0 errors');
    expect(result.out).not.toMatch(/Rule "shellcheck" was disabled/);
    expect(result.code, result.out).toBe(0);
  });

  it('should have zizmor report zero findings for the workflows, dependabot.yml and the actions', async () => {
    requireTool(`${venvBin}/zizmor`);
    const result = await run(`${venvBin}/zizmor`, ['--offline', '--format', 'json', '.']);
    const findings = JSON.parse(result.stdout) as Array<{ ident: string }>;
    expect(findings.map((f) => f.ident)).toEqual([]);
    expect(result.code, result.out).toBe(0);
  });

  it('should validate the workflows and dependabot.yml against their JSON schemas', async () => {
    requireTool(`${venvBin}/check-jsonschema`);
    const checkJsonschema = `${venvBin}/check-jsonschema`;
    const flows = await run(checkJsonschema, ['--builtin-schema', 'vendor.github-workflows', ...workflows]);
    expect(flows.code, flows.out).toBe(0);
    const dependabot = await run(checkJsonschema, ['--builtin-schema', 'vendor.dependabot', '.github/dependabot.yml']);
    expect(dependabot.code, dependabot.out).toBe(0);
  });
});
