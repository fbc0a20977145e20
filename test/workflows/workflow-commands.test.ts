// Issue 11, bug 6: GitHub turns every `::error::`/`::warning::` line of a step's output into an
// annotation, so the green test step must not print the ones that tests expecting a failure
// provoke. Test files under test/ that drive failing CLIs keep their children's output captured;
// this runs representative ones as ci.yml's test step does and reads what reaches the log.
import { execFile } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { repoRoot } from './workflow-files.js';

/** The lines of a step's log that the runner would read as workflow commands. */
function workflowCommands(log: string): string[] {
  return log.split(/\r?\n/).filter((line) => /^\s*::(error|warning|notice)\b/.test(line));
}

// Each provokes the `::error::` of a CLI on purpose: an unknown environment (deploy/pipeline.ts),
// a missing image or stack (deploy/steps.ts).
const failingPathFiles = ['test/workflows/cleanup-environment.test.ts', 'test/deploy/steps.test.ts'];

describe('the test step log', () => {
  it('should recognise a workflow command line, and only at the start of a line', () => {
    expect(workflowCommands('ok\n::error::boom\n  ::warning::w\nsaid ::error:: inline')).toEqual([
      '::error::boom',
      '  ::warning::w',
    ]);
  });

  it('should carry no workflow command from test files that expect failures', { timeout: 120_000 }, async () => {
    const { code, log } = await new Promise<{ code: number; log: string }>((resolve) => {
      execFile(
        process.execPath,
        ['node_modules/vitest/vitest.mjs', 'run', ...failingPathFiles],
        { cwd: repoRoot, env: { ...process.env, CI: 'true' }, timeout: 110_000, maxBuffer: 20_000_000 },
        (error, stdout, stderr) => resolve({ code: error ? 1 : 0, log: `${stdout}${stderr}` }),
      );
    });
    expect(code, log).toBe(0);
    expect(log).toMatch(/Tests: \d+ passed, 0 failed/);
    expect(workflowCommands(log)).toEqual([]);
  });
});
