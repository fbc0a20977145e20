import * as core from '@actions/core';
import { GetTemplateSummaryCommand, type Parameter, type Stack } from '@aws-sdk/client-cloudformation';
import type { DeployContext, StackSpec } from './context.js';

/**
 * The Parameters of an update: the named ones with their values; every other parameter that the
 * stack already has and the new template still declares with `UsePreviousValue`, so it keeps its
 * value instead of falling back to the template default (or failing without one); none for the
 * ones in `resetParameters`, which CloudFormation then sets to their template defaults.
 * The new template's parameters come from GetTemplateSummary (CloudFormation's own parsing).
 * @throws when `resetParameters` names a parameter the new template does not declare.
 */
export async function parametersForUpdate(ctx: DeployContext, spec: StackSpec, existing: Stack): Promise<Parameter[]> {
  const summary = await ctx.client.send(new GetTemplateSummaryCommand({ ...spec.template }));
  const declared = (summary.Parameters ?? []).flatMap((p) => (p.ParameterKey ? [p.ParameterKey] : []));
  const unknown = spec.resetParameters.filter((name) => !declared.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `Input 'reset-parameters': expected names of parameters the template declares (${declared.join(', ') || 'none'}), ` +
        `found ${unknown.map((name) => `'${name}'`).join(', ')}. Remove them from reset-parameters.`,
    );
  }
  const named = new Set(spec.parameters.map((p) => p.ParameterKey));
  const reset = new Set(spec.resetParameters);
  const stackHas = new Set((existing.Parameters ?? []).map((p) => p.ParameterKey));
  const kept = declared.filter((name) => !named.has(name) && !reset.has(name) && stackHas.has(name));
  if (kept.length > 0) {
    core.info(
      `Keeping the values ${spec.stackName} already has for ${kept.join(', ')} (not named by the inputs; ` +
        'reset-parameters sends one back to its template default).',
    );
  }
  if (reset.size > 0) {
    core.info(`Resetting ${[...reset].join(', ')} of ${spec.stackName} to the template default.`);
  }
  return [...spec.parameters, ...kept.map((ParameterKey) => ({ ParameterKey, UsePreviousValue: true }))];
}
