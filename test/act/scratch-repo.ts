// A throw-away git repository holding this checkout's files (tracked and untracked, not ignored),
// with a GitHub remote so act names the repository, for scenarios to commit into.
import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { scratchRoot } from './act.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
export const REPOSITORY = 'octo-org/mysfits-on-fargate';

export interface ScratchRepo {
  dir: string;
  /** The full sha of HEAD. */
  head(): string;
  /** Applies `change` to the files, commits everything, returns the new HEAD. */
  commit(message: string, change: (dir: string) => void): string;
  git(...args: string[]): string;
  remove(): void;
}

/** Copies the checkout into a fresh repository with one commit on main. */
export function createScratchRepo(source = repoRoot): ScratchRepo {
  const dir = mkdtempSync(join(scratchRoot(), 'act-repo-'));
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], {
    cwd: source,
    encoding: 'utf8',
    maxBuffer: 50_000_000,
  })
    .split('\0')
    .filter((file) => file && !/^\.(venv|tools)(\/|$)/.test(file));
  for (const file of files) {
    const target = join(dir, file);
    mkdirSync(dirname(target), { recursive: true });
    try {
      cpSync(join(source, file), target, { verbatimSymlinks: true });
    } catch (error) {
      // A tracked file deleted in the working tree is not part of it.
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
    }
  }
  const git = (...args: string[]) =>
    execFileSync('git', ['-c', 'user.name=act', '-c', 'user.email=act@example.invalid', ...args], {
      cwd: dir,
      encoding: 'utf8',
    }).trim();
  git('init', '-q', '-b', 'main');
  git('remote', 'add', 'origin', `https://github.com/${REPOSITORY}.git`);
  git('add', '-A');
  git('commit', '-q', '-m', 'scratch copy of the checkout');
  return {
    dir,
    git,
    head: () => git('rev-parse', 'HEAD'),
    commit(message, change) {
      change(dir);
      git('add', '-A');
      git('commit', '-q', '--allow-empty', '-m', message);
      return git('rev-parse', 'HEAD');
    },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}
