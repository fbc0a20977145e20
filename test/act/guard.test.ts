// [act] The loopback guard: nothing in an act run may resolve or contact anything beyond 127.0.0.1
// (moto answers with real-looking AWS host names).

import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ActRun, actDir, jobsOf, resultTable, runAct } from './act.js';
import { createScratchRepo, type ScratchRepo } from './scratch-repo.js';

let repo: ScratchRepo;
let run: ActRun;

beforeAll(async () => {
  repo = createScratchRepo(join(actDir, 'fixtures', 'guard'));
  run = await runAct({ repo: repo.dir, workflow: '.github/workflows/guard.yml', event: 'push', timeoutMs: 60_000 });
}, 70_000);

afterAll(() => repo?.remove());

const outputOf = (id: string) =>
  jobsOf(run, id)
    .flatMap((job) => job.output)
    .join('\n');

describe('[act] the loopback guard', () => {
  it('should fail a job whose node process connects to an AWS host name, naming it', () => {
    expect(jobsOf(run, 'node-fetch')[0]?.result, resultTable(run)).toBe('failure');
    expect(outputOf('node-fetch')).toContain(
      'loopback guard: refused a connection to mysfits-1.us-east-1.elb.amazonaws.com',
    );
  });

  it('should fail the job even when the code catches the refused connection', () => {
    expect(outputOf('node-swallowed')).toContain('caught');
    expect(jobsOf(run, 'node-swallowed')[0]?.result).toBe('failure');
  });

  it('should refuse a name look-up', () => {
    expect(jobsOf(run, 'node-dns')[0]?.result).toBe('failure');
    expect(run.refused.join('\n')).toContain('refused a look-up of sts.amazonaws.com');
  });

  it('should send curl and the AWS CLI to a closed loopback proxy', () => {
    expect(jobsOf(run, 'curl-proxy')[0]?.result).toBe('failure');
    expect(jobsOf(run, 'aws-cli-proxy')[0]?.result).toBe('failure');
    expect(outputOf('aws-cli-proxy')).toMatch(/proxy|127\.0\.0\.1:9/i);
  });

  it('should let loopback traffic through, on Node 24', () => {
    expect(jobsOf(run, 'loopback')[0]?.result, resultTable(run)).toBe('success');
    expect(outputOf('loopback')).toMatch(/loopback ok ok on v24\./);
  });
});
