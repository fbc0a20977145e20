import { ecsMembers } from './ecs-model.js';
import { isObject, type JsonObject } from './json.js';
import { checkAgainstModel } from './model-check.js';

/** What {@link validateServiceDefinition} returns: the definition as it will be sent, and what was converted. */
export interface ServiceDefinitionCheck {
  definition: JsonObject;
  notes: string[];
}

const CREATE_DOC = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CreateService.html';
const CONFIG_DOC = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_DeploymentConfiguration.html';
const STRATEGY_DOC = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_CapacityProviderStrategyItem.html';

/** Members of CreateService that UpdateService also takes (the model's, not a hand-kept list). */
export function updatableServiceMembers(): Set<string> {
  const update = new Set(ecsMembers('UpdateServiceRequest'));
  return new Set(ecsMembers('CreateServiceRequest').filter((m) => update.has(m)));
}

function strategyItems(definition: JsonObject): JsonObject[] {
  return Array.isArray(definition.capacityProviderStrategy) ? definition.capacityProviderStrategy.filter(isObject) : [];
}

/** The rules CreateService's reference states across members. */
function crossFieldProblems(definition: JsonObject): string[] {
  const problems: string[] = [];
  const strategy = strategyItems(definition);
  const hasStrategy = definition.capacityProviderStrategy !== undefined;
  // "If a launchType is specified, the capacityProviderStrategy parameter must be omitted."
  if (definition.launchType !== undefined && hasStrategy) {
    problems.push(`launchType and capacityProviderStrategy: give one or the other, not both (${CREATE_DOC})`);
  }
  // "Only one capacity provider in a capacity provider strategy can have a base defined."
  const withBase = strategy.filter((item) => typeof item.base === 'number' && item.base > 0);
  if (withBase.length > 1) {
    problems.push(
      `capacityProviderStrategy: only one capacity provider may have a base, found ${withBase.map((i) => String(i.capacityProvider)).join(', ')} (${STRATEGY_DOC})`,
    );
  }
  const providers = strategy.map((item) => item.capacityProvider);
  const fargate = definition.launchType === 'FARGATE' || providers.some((p) => p === 'FARGATE' || p === 'FARGATE_SPOT');
  if (definition.schedulingStrategy === 'DAEMON') {
    // "Tasks using the Fargate launch type or the CODE_DEPLOY or EXTERNAL deployment controller
    // types don't support the DAEMON scheduling strategy."
    if (fargate) problems.push(`schedulingStrategy: DAEMON is not supported on Fargate (${CREATE_DOC})`);
    const controller = isObject(definition.deploymentController) ? definition.deploymentController.type : undefined;
    if (controller === 'CODE_DEPLOY' || controller === 'EXTERNAL') {
      problems.push(
        `schedulingStrategy: DAEMON is not supported with the ${controller} deployment controller (${CREATE_DOC})`,
      );
    }
  }
  if (isObject(definition.deploymentController) && definition.deploymentController.type === 'CODE_DEPLOY') {
    problems.push(...codeDeployProblems(definition));
  }
  return problems;
}

/**
 * CreateService's and UpdateService's words on CODE_DEPLOY: "the service is required to use either
 * an Application Load Balancer or Network Load Balancer" (a target group, container name and port),
 * and "multiple target groups are not supported for blue/green deployments". The deployment
 * strategy (BLUE_GREEN/LINEAR/CANARY) is the ECS controller's own; CodeDeploy's deployment group
 * decides how traffic shifts.
 */
function codeDeployProblems(definition: JsonObject): string[] {
  const problems: string[] = [];
  const balancers = Array.isArray(definition.loadBalancers) ? definition.loadBalancers.filter(isObject) : [];
  if (balancers.length !== 1) {
    problems.push(
      `loadBalancers: the CODE_DEPLOY controller needs exactly one load balancer entry (targetGroupArn, containerName, containerPort), found ${balancers.length} (${CREATE_DOC})`,
    );
  } else {
    const missing = ['targetGroupArn', 'containerName', 'containerPort'].filter(
      (key) => balancers[0]?.[key] === undefined,
    );
    if (missing.length > 0) {
      problems.push(`loadBalancers[0]: the CODE_DEPLOY controller needs ${missing.join(', ')} (${CREATE_DOC})`);
    }
  }
  const configuration = isObject(definition.deploymentConfiguration) ? definition.deploymentConfiguration : {};
  if (configuration.strategy !== undefined && configuration.strategy !== 'ROLLING') {
    problems.push(
      `deploymentConfiguration.strategy: ${String(configuration.strategy)} is a strategy of the ECS deployment controller; with CODE_DEPLOY the deployment group's deployment config decides (${CONFIG_DOC})`,
    );
  }
  return problems;
}

/**
 * Checks a service definition file (CreateService input without the members the action sets from
 * its inputs) against the ECS API model at every depth, and the cross-member rules of the
 * CreateService reference: launchType with capacityProviderStrategy, one base per strategy,
 * DAEMON on Fargate or with CODE_DEPLOY/EXTERNAL, one load balancer and no ECS strategy with
 * CODE_DEPLOY. Nulls are dropped and exact scalar conversions
 * made as in {@link checkAgainstModel}.
 * @param provided members the caller fills in (cluster, serviceName, taskDefinition).
 * @throws Error listing every problem with its path.
 */
export function validateServiceDefinition(
  document: JsonObject,
  options: { file: string; provided: readonly string[] },
): ServiceDefinitionCheck {
  const checked = checkAgainstModel(document, { shape: 'CreateServiceRequest', provided: options.provided });
  const problems = [...checked.problems, ...crossFieldProblems(checked.value)];
  if (problems.length > 0) {
    throw new Error(
      `service definition '${options.file}' is not valid CreateService input (${problems.length} problem(s)):\n` +
        `${problems.map((p) => `  - ${p}`).join('\n')}\nFix the file: each line names the member and what CreateService expects there.`,
    );
  }
  return { definition: checked.value, notes: checked.notes };
}
