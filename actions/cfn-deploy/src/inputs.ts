import * as z from 'zod/mini';
import { inputField, parseBoolean, readInputs } from '../../shared/src/index.js';

const CAPABILITIES = ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM', 'CAPABILITY_AUTO_EXPAND'] as const;
// CloudFormation parameter names are alphanumeric logical ids.
const PARAMETER_NAME = /^[A-Za-z0-9]+$/;
// S3's general purpose bucket names: 3–63 lowercase letters, digits, dots and hyphens, starting and
// ending with a letter or digit.
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/** true/false, or undefined when empty: "leave the stack's setting as it is". */
function optionalBoolean() {
  return z.optional(
    z.pipe(
      z.string(),
      z.transform((raw: string, ctx): boolean => {
        try {
          return parseBoolean(raw);
        } catch {
          ctx.issues.push({
            code: 'custom',
            message: `expected true or false (or empty to leave it), found '${raw}'`,
            input: raw,
          });
          return z.NEVER;
        }
      }),
    ),
  );
}

/** The inputs of action.yml, one key each; defaults equal action.yml's. */
export const inputSchema = z.object({
  'stack-name': inputField.required(),
  template: inputField.required(),
  'template-bucket': z.optional(
    z.string().check(
      z.regex(BUCKET_NAME, {
        error: (issue) =>
          `expected an S3 bucket name (3-63 lowercase letters, digits, dots and hyphens), found '${String(issue.input)}'`,
      }),
    ),
  ),
  'parameters-file': inputField.optional(),
  parameters: inputField.keyValues(),
  'reset-parameters': z.pipe(
    inputField.list(),
    z.array(
      z.string().check(
        z.regex(PARAMETER_NAME, {
          error: (issue) => `expected parameter names (letters and digits), found '${String(issue.input)}'`,
        }),
      ),
    ),
  ),
  capabilities: inputField.listOf(CAPABILITIES),
  tags: inputField.keyValues(),
  'termination-protection': optionalBoolean(),
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
