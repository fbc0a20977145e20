/** The shared library of the project's actions. Import from here: `../../shared/src/index.js`. */
export { type AwsClientConfig, type AwsClientConfigOptions, awsClientConfig, resolveRegion } from './aws.js';
export { CancelledError, cancellationSignal } from './cancel.js';
export {
  cloudFormationStackUrl,
  dynamoDbTableUrl,
  ecrRepositoryUrl,
  ecsServiceUrl,
  ecsTaskDefinitionUrl,
} from './console-links.js';
export { errorMessage, runAction } from './errors.js';
export { inputField, readInputs } from './inputs.js';
export { formatDuration, parseBoolean, parseDuration, parseKeyValueLines, parseList } from './parse.js';
export {
  addSummaryLink,
  addSummaryTable,
  escapeHtml,
  formatTextTable,
  type SummaryTableOptions,
  writeSummary,
} from './summary.js';
export {
  type Deadline,
  sleep,
  startDeadline,
  type WaitCheck,
  type WaitOptions,
  WaitTimeoutError,
  waitUntil,
} from './wait.js';
