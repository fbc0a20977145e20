// deploy/verified.ts as the changes job runs it, with a `gh` on PATH that answers the check-runs
// call with the shape of GitHub's REST reference (GET /repos/{owner}/{repo}/commits/{ref}/check-runs).
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { requireVerified, verifyCheckName } from '../../deploy/verified.js';

const script = fileURLToPath(new URL('../../deploy/verified.ts', import.meta.url));
const commit = 'a'.repeat(40);
const dir = mkdtempSync(join(tmpdir(), 'verified-gh-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A gh that records its arguments and prints `lines` (what `--jq '.check_runs[] | …'` prints). */
function fakeGh(lines: object[]): void {
  writeFileSync(
    join(dir, 'gh'),
    `#!/bin/sh\nprintf '%s\\n' "$*" > "${dir}/args"\ncat <<'JSON'\n${lines.map((l) => JSON.stringify(l)).join('\n')}\nJSON\n`,
  );
  chmodSync(join(dir, 'gh'), 0o755);
}

async function verified(): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)(
      process.execPath,
      [script, '--commit', commit, '--environment', 'staging'],
      { env: { PATH: `${dir}:${process.env.PATH}`, GITHUB_REPOSITORY: 'octo-org/fork' }, timeout: 20_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failed.code ?? 1, stdout: failed.stdout ?? '', stderr: failed.stderr ?? '' };
  }
}

describe('node deploy/verified.ts', () => {
  it("should pass when the commit's staging verify job succeeded, asking for every page of its check runs", async () => {
    fakeGh([
      { name: 'changes', status: 'completed', conclusion: 'success' },
      { name: 'staging / verify', status: 'completed', conclusion: 'failure' },
      { name: 'staging / verify', status: 'completed', conclusion: 'success' },
    ]);
    const result = await verified();
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('staging / verify passed');
    expect(readFileSync(join(dir, 'args'), 'utf8')).toContain(
      `api --paginate repos/octo-org/fork/commits/${commit}/check-runs?per_page=100`,
    );
  });

  it('should fail saying what to do when staging never verified the commit, or its verify failed', async () => {
    fakeGh([{ name: 'production / verify', status: 'completed', conclusion: 'success' }]);
    const none = await verified();
    expect(none.code).toBe(1);
    expect(none.stderr).toContain(`expected commit ${commit} to have passed 'staging / verify', found no such job`);
    expect(none.stderr).toContain('run deploy with environment staging and this commit');
    expect(() =>
      requireVerified({
        runs: [{ name: verifyCheckName('staging'), status: 'in_progress', conclusion: null }],
        environment: 'staging',
        commit,
      }),
    ).toThrow(/found in_progress/);
  });
});
