/**
 * The shared library of the project's actions. Import from here: `../../shared/src/index.js`.
 * Not re-exported: document.ts (`readDocument`; import it by path). It pulls in `yaml`, which
 * esbuild cannot drop from a bundle that never reads a document (~120 KB in cleanup's).
 */
export { type AwsClientConfig, type AwsClientConfigOptions, awsClientConfig, resolveRegion } from './aws.js';
export { CancelledError, cancellationSignal } from './cancel.js';
export { canonical } from './canonical.js';
export {
  cloudFormationStackUrl,
  dynamoDbTableUrl,
  ecrRepositoryUrl,
  ecsServiceUrl,
  ecsTaskDefinitionUrl,
  ecsTaskUrl,
} from './console-links.js';
export { errorMessage, runAction } from './errors.js';
export { inputField, readInputs } from './inputs.js';
export { isObject, type JsonObject } from './json.js';
export { formatDuration, parseBoolean, parseDuration, parseKeyValueLines, parseList } from './parse.js';
export {
  findPlaceholders,
  type PlaceholderRef,
  type ResolveOptions,
  type ResolveResult,
  resolvePlaceholders,
  substitutePlaceholders,
  type Unresolved,
} from './placeholders.js';
export { outputsOf, readStackOutputs, stackOutputsReader } from './stack-outputs.js';
export {
  addSummaryLink,
  addSummaryTable,
  escapeHtml,
  formatTextTable,
  type SummaryTableOptions,
  writeSummary,
} from './summary.js';
export {
  READ_ONLY_FIELDS,
  REGISTER_FIELDS,
  type RegisterShapeResult,
  toRegisterShape,
} from './task-definition-fields.js';
export {
  type Deadline,
  sleep,
  startDeadline,
  type WaitCheck,
  type WaitOptions,
  WaitTimeoutError,
  waitUntil,
} from './wait.js';
