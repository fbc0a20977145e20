import * as core from '@actions/core';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { Deadline } from '../../shared/src/wait.js';
import type { DeployInputs } from './inputs.js';

/** One line of the deployment timeline shown in the job summary. */
export interface TimelineEntry {
  time: Date;
  event: string;
}

/** What happened, in order: printed to the log as it happens and tabled in the summary. */
export class Timeline {
  readonly entries: TimelineEntry[] = [];

  /** Logs the event and records it (at `time`, default now). */
  note(event: string, time: Date = new Date()): void {
    core.info(`${time.toISOString()}  ${event}`);
    this.entries.push({ time, event });
  }
}

/** What every phase of a deploy needs; one object instead of long argument lists. */
export interface DeployContext {
  ecs: ECSClient;
  inputs: DeployInputs;
  region: string;
  cluster: string;
  timeline: Timeline;
  /** Aborts on SIGINT/SIGTERM (job cancelled). */
  signal: AbortSignal;
  /** The step's one timeout, shared by every wait. */
  deadline: Deadline;
}
