import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { ECSClient } from '@aws-sdk/client-ecs';
import { awsClientConfig, resolveRegion } from '../../shared/src/aws.js';
import { readDocument } from '../../shared/src/document.js';
import { runAction } from '../../shared/src/errors.js';
import { resolvePlaceholders } from '../../shared/src/placeholders.js';
import { stackOutputsReader } from '../../shared/src/stack-outputs.js';
import { toRegisterShape } from '../../shared/src/task-definition-fields.js';
import { applyImages, mergeNamedValues } from './containers.js';
import { diffText, lineDiff } from './diff.js';
import { readRenderInputs } from './inputs.js';
import { readLiveRevision } from './live-revision.js';
import { writeRenderSummary } from './summary.js';
import { validateTaskDefinition } from './validate.js';

async function render(): Promise<void> {
  const inputs = readRenderInputs();
  const source = inputs['task-definition'];
  const region = resolveRegion(inputs.region);
  const config = awsClientConfig({ region });

  const { definition: raw, removed } = await core.group('Read task definition', async () => {
    const shaped = toRegisterShape(await readDocument(source, 'task definition'), source);
    core.info(`Read ${source}`);
    if (shaped.removed.length > 0) core.info(`Removed read-only field(s): ${shaped.removed.join(', ')}`);
    return shaped;
  });

  const placeholders = await core.group('Resolve placeholders', async () => {
    const result = await resolvePlaceholders({
      document: raw,
      stackAliases: inputs.stacks,
      env: process.env,
      stackOutputs: stackOutputsReader({ region }),
    });
    for (const [text, value] of result.resolved) core.info(`${text} → ${value}`);
    if (result.resolved.size === 0) core.info('No placeholders in the file.');
    return result;
  });

  const definition = await core.group('Apply images, environment and secrets', async () => {
    let current = applyImages(placeholders.document, inputs.images);
    current = mergeNamedValues({ definition: current, field: 'environment', entries: inputs.environment });
    current = mergeNamedValues({ definition: current, field: 'secrets', entries: inputs.secrets });
    for (const [container, image] of Object.entries(inputs.images)) core.info(`${container}: image ${image}`);
    core.info(`Merged ${inputs.environment.length} environment variable(s) and ${inputs.secrets.length} secret(s)`);
    return current;
  });

  await core.group('Validate', async () => {
    validateTaskDefinition(definition);
    core.info('Fargate size, essential containers and port mappings are valid.');
  });

  const family = String(definition.family);
  const { live, diff } = await core.group(`Compare with the live revision of ${family}`, async () => {
    const current = await readLiveRevision(new ECSClient(config), family);
    if (!current) {
      core.info(`Family ${family} has no active revision: this will be the first revision.`);
      return { live: undefined, diff: '' };
    }
    const changes = lineDiff(diffText(current.definition), diffText(definition));
    core.info(changes ? `Changes against ${current.arn}:\n${changes}` : `No changes against ${current.arn}.`);
    return { live: current, diff: changes };
  });

  const directory = await mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), 'task-definition-'));
  const output = join(directory, `${family}.json`);
  await writeFile(output, `${JSON.stringify(definition, null, 2)}\n`);
  core.info(`Wrote ${output}`);

  core.setOutput('task-definition', output);
  core.setOutput('family', family);
  core.setOutput('changed', String(!live || diff !== ''));
  await writeRenderSummary({
    source,
    output,
    definition,
    resolved: placeholders.resolved,
    removed,
    live,
    diff,
    region,
  });
}

/** The action: render a task definition file, validate it, write it, summarise it. */
export async function run(): Promise<void> {
  await runAction(render);
}
