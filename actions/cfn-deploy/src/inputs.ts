import * as z from 'zod/mini';
import { inputField, readInputs } from '../../shared/src/index.js';

const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] as const;

/** The inputs of action.yml, one key each; defaults equal action.yml's. */
export const inputSchema = z.object({
  'stack-name': inputField.required(),
  template: inputField.required(),
  'parameters-file': inputField.optional(),
  parameters: inputField.keyValues(),
  capabilities: inputField.listOf(CAPABILITIES),
  tags: inputField.keyValues(),
  'termination-protection': inputField.boolean(false),
  timeout: inputField.duration('30m'),
  'preview-only': inputField.boolean(false),
  region: inputField.optional(),
});

/** All inputs of one cfn-deploy step, validated. */
export type DeployInput = z.output<typeof inputSchema>;

/** Reads and validates every input of the step once. */
export function readDeployInput(): DeployInput {
  return readInputs(inputSchema);
}
