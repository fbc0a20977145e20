import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as core from '@actions/core';
import { resolveRegion } from '../../shared/src/aws.js';
import { readDocument } from '../../shared/src/document.js';
import { runAction } from '../../shared/src/errors.js';
import { resolvePlaceholders } from '../../shared/src/placeholders.js';
import { stackOutputsReader } from '../../shared/src/stack-outputs.js';
import { toRegisterShape } from '../../shared/src/task-definition-fields.js';
import { validateTaskDefinition } from '../../shared/src/task-definition-rules.js';
import { compareWithLive } from './compare.js';
import { applyImages, mergeNamedValues } from './containers.js';
import { readRenderInputs } from './inputs.js';
import { writeRenderSummary } from './summary.js';

/** The region from the input or the environment, or undefined: a render may need none. */
function optionalRegion(input: string | undefined): string | undefined {
  return input?.trim() || process.env.AWS_REGION?.trim() || process.env.AWS_DEFAULT_REGION?.trim() || undefined;
}

async function render(): Promise<void> {
  const inputs = readRenderInputs();
  const source = inputs['task-definition'];
  const region = optionalRegion(inputs.region);

  const { definition: raw, removed } = await core.group('Read task definition', async () => {
    const shaped = toRegisterShape(await readDocument(source, 'task definition'));
    core.info(`Read ${source}`);
    if (shaped.removed.length > 0) core.info(`Removed read-only field(s): ${shaped.removed.join(', ')}`);
    return shaped;
  });

  // Created on the first ${stack:…} placeholder only: a file without one needs no region or credentials.
  let readStack: ReturnType<typeof stackOutputsReader> | undefined;
  const placeholders = await core.group('Resolve placeholders', async () => {
    const result = await resolvePlaceholders({
      document: raw,
      stackAliases: inputs.stacks,
      env: process.env,
      stackOutputs: (name) => {
        readStack ??= stackOutputsReader({ region: resolveRegion(inputs.region) });
        return readStack(name);
      },
    });
    for (const [text, value] of result.resolved) core.info(`${text} → ${value}`);
    if (result.resolved.size === 0) core.info('No placeholders in the file.');
    return result;
  });

  const merged = await core.group('Apply images, environment and secrets', async () => {
    let current = applyImages(placeholders.document, inputs.images);
    current = mergeNamedValues({ definition: current, field: 'environment', entries: inputs.environment });
    current = mergeNamedValues({ definition: current, field: 'secrets', entries: inputs.secrets });
    for (const [container, image] of Object.entries(inputs.images)) core.info(`${container}: image ${image}`);
    core.info(`Merged ${inputs.environment.length} environment variable(s) and ${inputs.secrets.length} secret(s)`);
    return current;
  });

  const definition = await core.group('Validate against the ECS API model', async () => {
    const checked = validateTaskDefinition(merged, `task definition '${source}'`);
    for (const note of checked.notes) core.info(`Converted ${note}`);
    core.info('Every member, type, range and cross-member rule checked: valid RegisterTaskDefinition input.');
    return checked.definition;
  });

  const family = String(definition.family);
  const comparison = await core.group(`Compare with the live revision of ${family}`, () =>
    compareWithLive({ definition, mode: inputs['compare-with-live'], region }),
  );

  const directory = await mkdtemp(join(process.env.RUNNER_TEMP || tmpdir(), 'task-definition-'));
  const output = join(directory, `${family}.json`);
  await writeFile(output, `${JSON.stringify(definition, null, 2)}\n`);
  core.info(`Wrote ${output}`);

  core.setOutput('task-definition', output);
  core.setOutput('family', family);
  const changed = !comparison.live || comparison.diff !== '';
  core.setOutput('changed', String(changed));
  // Unchanged: deploy the live revision instead of registering an identical one.
  core.setOutput('deploy-task-definition', changed || !comparison.live ? output : comparison.live.arn);
  await writeRenderSummary({
    source,
    output,
    definition,
    resolved: placeholders.resolved,
    removed,
    ...comparison,
    region,
  });
}

/** The action: render a task definition file, validate it, write it, summarise it. */
export async function run(): Promise<void> {
  await runAction(render);
}
