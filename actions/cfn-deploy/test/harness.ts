import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import type { Stack, StackEvent } from '@aws-sdk/client-cloudformation';
import { vi } from 'vitest';

/** Temp files standing in for the runner's GITHUB_OUTPUT / GITHUB_STEP_SUMMARY and a template. */
export interface StepFiles {
  dir: string;
  output: string;
  summary: string;
  template: string;
}

const INPUT_NAMES = [
  'stack-name',
  'template',
  'parameters-file',
  'parameters',
  'capabilities',
  'tags',
  'termination-protection',
  'timeout',
  'preview-only',
  'region',
];

/** One temp dir per test file: @actions/core caches the summary path after its first write. */
export function createStepFiles(): StepFiles {
  const dir = mkdtempSync(join(tmpdir(), 'cfn-deploy-'));
  const files = {
    dir,
    output: join(dir, 'output'),
    summary: join(dir, 'summary.md'),
    template: join(dir, 'template.yml'),
  };
  writeFileSync(files.template, 'Resources:\n  Queue:\n    Type: AWS::SQS::Queue\n');
  return files;
}

/** Resets the step's files and environment, then sets `INPUT_*` by name the way the runner does. */
export function prepareStep(files: StepFiles, inputs: Record<string, string>): void {
  writeFileSync(files.output, '');
  writeFileSync(files.summary, '');
  core.summary.emptyBuffer();
  process.env.GITHUB_OUTPUT = files.output;
  process.env.GITHUB_STEP_SUMMARY = files.summary;
  process.env.AWS_REGION = 'eu-west-1';
  for (const name of INPUT_NAMES) delete process.env[`INPUT_${name.toUpperCase()}`];
  for (const [name, value] of Object.entries({ template: files.template, ...inputs })) {
    process.env[`INPUT_${name.toUpperCase()}`] = value;
  }
  process.exitCode = undefined;
}

/** Parses the GITHUB_OUTPUT file (`name<<delimiter` blocks) into a record. */
export function readStepOutputs(files: StepFiles): Record<string, string> {
  const text = readFileSync(files.output, 'utf8');
  const outputs: Record<string, string> = {};
  const pattern = /^(.+?)<<(ghadelimiter_[^\n]+)\n([\s\S]*?)\n\2$/gm;
  for (const match of text.matchAll(pattern)) outputs[match[1] ?? ''] = match[3] ?? '';
  return outputs;
}

// Captured before any test fakes timers: real I/O (template, summary file) needs real ticks.
const realSetImmediate = globalThis.setImmediate;

/**
 * Runs `promise` to the end under fake timers: jumps to the next timer only when one is pending
 * (the action is sleeping between polls), otherwise lets real I/O progress. Bounded in steps.
 */
export async function settle<T>(promise: Promise<T>, maxSteps = 100_000): Promise<T> {
  let done = false;
  const tracked = promise.finally(() => {
    done = true;
  });
  for (let i = 0; i < maxSteps && !done; i += 1) {
    if (vi.getTimerCount() > 0) await vi.advanceTimersToNextTimerAsync();
    else await new Promise((resolve) => realSetImmediate(resolve));
  }
  return tracked;
}

/** The SDK's error for a stack that does not exist. */
export function stackMissing(name: string): Error {
  return Object.assign(new Error(`Stack with id ${name} does not exist`), { name: 'ValidationError' });
}

export const STACK_ID =
  'arn:aws:cloudformation:eu-west-1:123456789012:stack/dev-network/8a1b2c3d-0000-4000-8000-000000000001';

/** A DescribeStacks stack (API reference shape). */
export function stack(status: string, extra: Partial<Stack> = {}): Stack {
  return {
    StackId: STACK_ID,
    StackName: 'dev-network',
    StackStatus: status as Stack['StackStatus'],
    CreationTime: new Date('2026-01-01T00:00:00Z'),
    EnableTerminationProtection: false,
    ...extra,
  } as Stack;
}

let eventCounter = 0;

/** A DescribeStackEvents event (API reference shape). */
export function event(logicalId: string, status: string, extra: Partial<StackEvent> = {}): StackEvent {
  eventCounter += 1;
  const isStack = logicalId === 'dev-network';
  return {
    StackId: STACK_ID,
    StackName: 'dev-network',
    EventId: `${logicalId}-${status}-${eventCounter}`,
    LogicalResourceId: logicalId,
    PhysicalResourceId: isStack ? STACK_ID : `${logicalId.toLowerCase()}-physical`,
    ResourceType: isStack ? 'AWS::CloudFormation::Stack' : 'AWS::EC2::VPC',
    Timestamp: new Date(Date.now() + eventCounter),
    ResourceStatus: status as StackEvent['ResourceStatus'],
    ...extra,
  } as StackEvent;
}

/** Everything written to stdout while `fn` runs (the step log). */
export function captureLog(): { text: () => string; restore: () => void } {
  let text = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString();
    return true;
  });
  return { text: () => text, restore: () => spy.mockRestore() };
}
