import * as core from '@actions/core';
import { ECSClient } from '@aws-sdk/client-ecs';
import { awsClientConfig } from '../../shared/src/aws.js';
import type { JsonObject } from '../../shared/src/json.js';
import { diffText, lineDiff } from './diff.js';
import { type LiveRevision, readLiveRevision } from './live-revision.js';

/** What comparing with the live revision gave: the revision and diff, or why it was skipped. */
export interface Comparison {
  live: LiveRevision | undefined;
  diff: string;
  notCompared: string | undefined;
}

/** Options for {@link compareWithLive}. */
export interface CompareOptions {
  definition: JsonObject;
  /** The compare-with-live input: auto looks the revision up only when credentials are there. */
  mode: 'auto' | 'true' | 'false';
  /** The region, when one is set (input or environment). */
  region: string | undefined;
}

/**
 * True when the SDK's default credential chain finds credentials. It is the chain every later
 * call uses, so "found" here means the lookup can sign its request.
 */
async function hasCredentials(ecs: ECSClient): Promise<boolean> {
  try {
    await ecs.config.credentials();
    return true;
  } catch (err) {
    if (err instanceof Error && err.name === 'CredentialsProviderError') return false;
    throw err;
  }
}

/**
 * Compares the rendered definition with the family's latest ACTIVE revision, or says why not:
 * compare-with-live false, or auto without a region or credentials (a pull request from a fork).
 * @throws Error when compare-with-live is true and there is no region or credentials.
 */
export async function compareWithLive(options: CompareOptions): Promise<Comparison> {
  const { definition, mode, region } = options;
  const skip = (reason: string): Comparison => {
    core.info(`${reason}: the live revision is not compared, and 'changed' is true.`);
    return { live: undefined, diff: '', notCompared: reason };
  };
  if (mode === 'false') return skip('compare-with-live is false');
  if (!region) {
    if (mode === 'true') {
      throw new Error("compare-with-live is true, but no AWS region is set: set the 'region' input or AWS_REGION.");
    }
    return skip('No AWS region set');
  }
  const ecs = new ECSClient(awsClientConfig({ region }));
  if (!(await hasCredentials(ecs))) {
    if (mode === 'true') {
      throw new Error(
        'compare-with-live is true, but no AWS credentials were found. Configure credentials before this step ' +
          '(aws-actions/configure-aws-credentials), or set compare-with-live to auto or false.',
      );
    }
    return skip('No AWS credentials found');
  }
  const family = String(definition.family);
  const current = await readLiveRevision(ecs, family);
  if (!current) {
    core.info(`Family ${family} has no active revision: this will be the first revision.`);
    return { live: undefined, diff: '', notCompared: undefined };
  }
  const changes = lineDiff(diffText(current.definition), diffText(definition));
  core.info(changes ? `Changes against ${current.arn}:\n${changes}` : `No changes against ${current.arn}.`);
  return { live: current, diff: changes, notCompared: undefined };
}
