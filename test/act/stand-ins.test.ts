// Every third-party action the workflows pin has a stand-in for the act run (act cannot clone it
// here), and the runner refuses a pin without one before act starts.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { pinnedActions, runAct, standInOf } from './act.js';
import { repoRoot } from './scratch-repo.js';

const workflows = join(repoRoot, '.github', 'workflows');

describe('stand-ins of the pinned actions', () => {
  it('should find the pins of every workflow, each by its full commit sha', () => {
    const pins = pinnedActions(workflows);
    expect(pins.map((pin) => pin.repository)).toEqual(
      expect.arrayContaining(['actions/checkout', 'aws-actions/configure-aws-credentials', 'docker/build-push-action']),
    );
    for (const pin of pins) expect(pin.ref, pin.uses).toMatch(/^[0-9a-f]{40}$/);
  });

  it('should have a stand-in for every pinned action', () => {
    const missing = pinnedActions(workflows).filter((pin) => !standInOf(pin.repository));
    expect(missing.map((pin) => pin.uses)).toEqual([]);
  });

  it('should refuse to run a workflow that pins an action with no stand-in', async () => {
    const repo = mkdtempSync(join(tmpdir(), 'act-pin-'));
    mkdirSync(join(repo, '.github', 'workflows'), { recursive: true });
    writeFileSync(
      join(repo, '.github', 'workflows', 'w.yml'),
      'on: push\njobs:\n  a:\n    runs-on: ubuntu-24.04\n    steps:\n      - uses: example/unknown@0123456789abcdef0123456789abcdef01234567\n',
    );
    await expect(
      runAct({ repo, workflow: '.github/workflows/w.yml', event: 'push', timeoutMs: 10_000 }),
    ).rejects.toThrow(
      'example/unknown@0123456789abcdef0123456789abcdef01234567 has no stand-in: add test/act/stand-ins/example/unknown/action.yml',
    );
  });
});
