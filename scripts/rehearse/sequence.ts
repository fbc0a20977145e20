import { type BundleRun, runBundle } from '../../actions/shared/test/support/run-bundle.js';

/** The project's actions, as `uses: ./actions/<name>` names them. */
export type ActionName = 'cfn-deploy' | 'render-task-definition' | 'ecs-deploy' | 'cleanup';

/**
 * The environment workflow's jobs that run project actions (.github/workflows/environment.yml,
 * which deploy.yml calls per environment), in job-dependency order, each with the actions one run
 * of the job (one matrix leg) may use in step order; a leg skips the steps it has no work for
 * (a service without a seed command). The rehearsal runs this; test/workflows/sequence.test.ts
 * checks it against the workflow.
 */
export const DEPLOY_SEQUENCE: ReadonlyArray<{ job: string; actions: readonly ActionName[] }> = [
  { job: 'prepare', actions: ['cfn-deploy', 'cfn-deploy'] },
  { job: 'services', actions: ['cfn-deploy', 'render-task-definition', 'ecs-deploy', 'ecs-deploy', 'cfn-deploy'] },
];

/** The cleanup workflow's project actions (.github/workflows/cleanup.yml). */
export const CLEANUP_SEQUENCE: ReadonlyArray<{ job: string; actions: readonly ActionName[] }> = [
  { job: 'cleanup', actions: ['cleanup'] },
];

/** One action run of the rehearsal. */
export interface StepRecord {
  pass: string;
  job: string;
  /** The matrix leg (service) or '' for a job without a matrix. */
  leg: string;
  action: ActionName;
  title: string;
  run: BundleRun;
}

/** Runs the built action bundles as the runner does and keeps what each produced, in order. */
export class StepRunner {
  readonly steps: StepRecord[] = [];

  constructor(
    private readonly env: Record<string, string>,
    private readonly log: (line: string) => void,
  ) {}

  /**
   * Runs one action bundle with `INPUT_*` variables.
   * @throws Error with the step's log when it does not exit 0 (unless `allowFailure`).
   */
  async run(step: {
    pass: string;
    job: string;
    leg?: string;
    action: ActionName;
    title: string;
    inputs: Record<string, string>;
    env?: Record<string, string>;
    allowFailure?: boolean;
  }): Promise<BundleRun> {
    const started = Date.now();
    const run = await runBundle({
      action: step.action,
      inputs: step.inputs,
      env: { ...this.env, ...step.env },
      timeoutMs: 60_000,
    });
    this.steps.push({
      pass: step.pass,
      job: step.job,
      leg: step.leg ?? '',
      action: step.action,
      title: step.title,
      run,
    });
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    this.log(`  ${run.code === 0 ? 'ok  ' : 'FAIL'} ${step.job} › ${step.title} (${step.action}, ${seconds} s)`);
    if (run.code !== 0 && !step.allowFailure) {
      throw new Error(`${step.job} › ${step.title}: ${step.action} exited ${run.code}\n${run.log}`);
    }
    return run;
  }

  /** The actions each (pass, job, leg) ran, in order: what the sequence check compares. */
  actionsByLeg(pass: string): Array<{ job: string; leg: string; actions: ActionName[] }> {
    const legs: Array<{ job: string; leg: string; actions: ActionName[] }> = [];
    for (const step of this.steps.filter((s) => s.pass === pass)) {
      const last = legs.at(-1);
      if (last && last.job === step.job && last.leg === step.leg) last.actions.push(step.action);
      else legs.push({ job: step.job, leg: step.leg, actions: [step.action] });
    }
    return legs;
  }
}

/** Whether `ran` is `declared` with some steps left out (a step's `if:` skipped it). */
function isSubsequence(ran: readonly ActionName[], declared: readonly ActionName[]): boolean {
  let next = 0;
  for (const action of declared) if (ran[next] === action) next += 1;
  return next === ran.length;
}

/**
 * Checks that a pass ran the declared sequence: the jobs in order, every leg of a job running that
 * job's actions in order (steps may be skipped, none added or reordered).
 * @returns the differences (empty when it matches).
 */
export function sequenceMismatches(
  declared: ReadonlyArray<{ job: string; actions: readonly ActionName[] }>,
  ran: Array<{ job: string; leg: string; actions: ActionName[] }>,
): string[] {
  const problems: string[] = [];
  const jobsRan = ran.map((leg) => leg.job).filter((job, i, all) => all.indexOf(job) === i);
  const jobsDeclared = declared.map((entry) => entry.job);
  if (jobsRan.join(' → ') !== jobsDeclared.join(' → ')) {
    problems.push(`jobs ran ${jobsRan.join(' → ')}, declared ${jobsDeclared.join(' → ')}`);
  }
  for (const leg of ran) {
    const want = declared.find((entry) => entry.job === leg.job)?.actions ?? [];
    if (!isSubsequence(leg.actions, want)) {
      problems.push(
        `${leg.job}${leg.leg ? ` (${leg.leg})` : ''} ran ${leg.actions.join(', ')}, declared ${want.join(', ')}`,
      );
    }
  }
  return problems;
}
