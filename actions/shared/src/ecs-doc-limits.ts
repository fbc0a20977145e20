/**
 * Limits the ECS API reference states in words but the machine-readable model does not carry,
 * keyed `Shape.member`. `min`/`max` bound a number's value, `maxItems` a list's length. Each
 * entry cites the API reference page that states it (the same text is the member's documentation
 * in the model).
 */
export interface DocLimit {
  min?: number;
  max?: number;
  maxItems?: number;
  /** The API reference page stating the limit. */
  doc: string;
}

const api = (page: string) => `https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_${page}.html`;

export const DOC_LIMITS: Readonly<Record<string, DocLimit>> = {
  // "The minimum supported value is 21 GiB and the maximum supported value is 200 GiB."
  'EphemeralStorage.sizeInGiB': { min: 21, max: 200, doc: api('EphemeralStorage') },
  // "You can set a minimum restartAttemptPeriod of 60 seconds and a maximum ... of 1800 seconds."
  'ContainerRestartPolicy.restartAttemptPeriod': { min: 60, max: 1800, doc: api('ContainerRestartPolicy') },
  // "You can specify a maximum of 50 container exit codes."
  'ContainerRestartPolicy.ignoredExitCodes': { maxItems: 50, doc: api('ContainerRestartPolicy') },
  // "You may specify between 5 and 300 seconds." and so on for each member.
  'HealthCheck.interval': { min: 5, max: 300, doc: api('HealthCheck') },
  'HealthCheck.timeout': { min: 2, max: 60, doc: api('HealthCheck') },
  'HealthCheck.retries': { min: 1, max: 10, doc: api('HealthCheck') },
  'HealthCheck.startPeriod': { min: 0, max: 300, doc: api('HealthCheck') },
  // "There's a limit of 16 subnets" / "a limit of 5 security groups".
  'AwsVpcConfiguration.subnets': { maxItems: 16, doc: api('AwsVpcConfiguration') },
  'AwsVpcConfiguration.securityGroups': { maxItems: 5, doc: api('AwsVpcConfiguration') },
  // "A capacity provider strategy can contain a maximum of 20 capacity providers."
  'CreateServiceRequest.capacityProviderStrategy': { maxItems: 20, doc: api('CreateService') },
  'UpdateServiceRequest.capacityProviderStrategy': { maxItems: 20, doc: api('UpdateService') },
  // "You can specify a maximum of 5 strategy rules" / "a maximum of 10 constraints".
  'CreateServiceRequest.placementStrategy': { maxItems: 5, doc: api('CreateService') },
  'CreateServiceRequest.placementConstraints': { maxItems: 10, doc: api('CreateService') },
  // "Supported values are between 128 CPU units (0.125 vCPUs) and 196608 CPU units (192 vCPUs)."
  // Task cpu is a string in the API; the task-definition rules check it once it is in CPU units.
};
