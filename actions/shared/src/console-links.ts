/** AWS console deep links for summaries and error messages. All take the region explicitly. */

const base = (region: string, service: string) =>
  `https://${region}.console.aws.amazon.com/${service}/home?region=${region}`;

/** The CloudFormation stack page (events, outputs) for a stack id (ARN) or name. */
export function cloudFormationStackUrl(options: { region: string; stack: string }): string {
  return `${base(options.region, 'cloudformation')}#/stacks/stackinfo?stackId=${encodeURIComponent(options.stack)}`;
}

/** An ECS cluster's list of services. */
export function ecsClusterUrl(options: { region: string; cluster: string }): string {
  return `https://${options.region}.console.aws.amazon.com/ecs/v2/clusters/${encodeURIComponent(options.cluster)}/services?region=${options.region}`;
}

/** An ECS service page (deployments, events, tasks). */
export function ecsServiceUrl(options: { region: string; cluster: string; service: string }): string {
  const { region, cluster, service } = options;
  return `https://${region}.console.aws.amazon.com/ecs/v2/clusters/${encodeURIComponent(cluster)}/services/${encodeURIComponent(service)}/health?region=${region}`;
}

/** An ECS task page (containers, exit codes, stopped reason, logs); the task id is the ARN's last part. */
export function ecsTaskUrl(options: { region: string; cluster: string; taskArn: string }): string {
  const { region, cluster } = options;
  const id = options.taskArn.split('/').pop() ?? '';
  return `https://${region}.console.aws.amazon.com/ecs/v2/clusters/${encodeURIComponent(cluster)}/tasks/${encodeURIComponent(id)}/configuration?region=${region}`;
}

/** An ECS task definition revision page; `family:revision` or just `family`. */
export function ecsTaskDefinitionUrl(options: { region: string; family: string; revision?: number }): string {
  const path = options.revision === undefined ? options.family : `${options.family}/${options.revision}`;
  return `https://${options.region}.console.aws.amazon.com/ecs/v2/task-definitions/${encodeURIComponent(path).replace('%2F', '/')}?region=${options.region}`;
}

/** An ECR repository's image list (the account id is part of the console path). */
export function ecrRepositoryUrl(options: { region: string; accountId: string; repository: string }): string {
  return `https://${options.region}.console.aws.amazon.com/ecr/repositories/private/${options.accountId}/${options.repository}?region=${options.region}`;
}

/** A DynamoDB table overview. */
export function dynamoDbTableUrl(options: { region: string; table: string }): string {
  return `${base(options.region, 'dynamodbv2')}#table?name=${encodeURIComponent(options.table)}`;
}
