import { createHash } from 'node:crypto';
import type { CapacityProviderStrategyItem, LoadBalancer, NetworkConfiguration, Service } from '@aws-sdk/client-ecs';
import type { JsonObject } from '../../shared/src/json.js';
import { CODEDEPLOY_HOOK_EVENTS } from './inputs.js';

const APPSPEC_DOC =
  'https://docs.aws.amazon.com/codedeploy/latest/userguide/reference-appspec-file-structure-resources.html';

/** The service members an ECS AppSpec carries (the rest of a CODE_DEPLOY service stays as it is). */
export interface AppSpecSource {
  loadBalancers?: LoadBalancer[] | undefined;
  networkConfiguration?: NetworkConfiguration | undefined;
  platformVersion?: string | undefined;
  capacityProviderStrategy?: CapacityProviderStrategyItem[] | undefined;
}

/** What CreateDeployment's `revision.appSpecContent` takes, and the document for the log. */
export interface AppSpecRevision {
  content: string;
  sha256: string;
  appSpec: JsonObject;
}

/**
 * The members the AppSpec is made from: the service definition file's where it names them (a deploy
 * applies the file), else the live service's or its PRIMARY task set's (a deploy without a file
 * keeps what runs; ECS reports a CODE_DEPLOY service's network and platform per task set).
 */
export function appSpecSource(definition: JsonObject, live: Service | undefined): AppSpecSource {
  const primary = live?.taskSets?.find((set) => set.status === 'PRIMARY');
  const given = <T>(value: T): T | undefined => (Array.isArray(value) && value.length === 0 ? undefined : value);
  const pick = <K extends keyof AppSpecSource>(key: K): AppSpecSource[K] =>
    given(definition[key] as AppSpecSource[K] | undefined) ?? given(live?.[key]) ?? primary?.[key];
  return {
    loadBalancers: pick('loadBalancers'),
    networkConfiguration: pick('networkConfiguration'),
    platformVersion: pick('platformVersion'),
    capacityProviderStrategy: pick('capacityProviderStrategy'),
  };
}

/**
 * Builds the ECS AppSpec (CodeDeploy User Guide, "AppSpec 'resources' section for Amazon ECS
 * deployments"): TargetService with the task definition, the load balancer's container and port,
 * and, where the service has them, PlatformVersion, NetworkConfiguration and
 * CapacityProviderStrategy; Hooks in the order CodeDeploy runs them.
 * @throws Error when the service has no load balancer with a container name and port, or more than one.
 */
export function buildAppSpec(options: {
  taskDefinitionArn: string;
  source: AppSpecSource;
  hooks: Record<string, string>;
}): AppSpecRevision {
  const { source } = options;
  const balancers = source.loadBalancers ?? [];
  const balancer = balancers[0];
  if (balancers.length !== 1 || !balancer?.containerName || balancer.containerPort === undefined) {
    throw new Error(
      `expected a CODE_DEPLOY service with exactly one loadBalancers entry naming containerName and containerPort (the AppSpec's LoadBalancerInfo, ${APPSPEC_DOC}), ` +
        `found ${balancers.length === 0 ? 'none' : JSON.stringify(balancers)}. Add it to the service definition file.`,
    );
  }
  const properties: JsonObject = {
    TaskDefinition: options.taskDefinitionArn,
    LoadBalancerInfo: { ContainerName: balancer.containerName, ContainerPort: balancer.containerPort },
  };
  if (source.platformVersion) properties.PlatformVersion = source.platformVersion;
  const vpc = source.networkConfiguration?.awsvpcConfiguration;
  if (vpc) {
    properties.NetworkConfiguration = {
      AwsvpcConfiguration: {
        Subnets: vpc.subnets ?? [],
        ...(vpc.securityGroups ? { SecurityGroups: vpc.securityGroups } : {}),
        ...(vpc.assignPublicIp ? { AssignPublicIp: vpc.assignPublicIp } : {}),
      },
    };
  }
  if (source.capacityProviderStrategy?.length) {
    properties.CapacityProviderStrategy = source.capacityProviderStrategy.map((item) => ({
      CapacityProvider: item.capacityProvider ?? '',
      ...(item.base !== undefined ? { Base: item.base } : {}),
      ...(item.weight !== undefined ? { Weight: item.weight } : {}),
    }));
  }
  const hooks = CODEDEPLOY_HOOK_EVENTS.filter((event) => options.hooks[event]).map((event) => ({
    [event]: options.hooks[event] ?? '',
  }));
  const appSpec: JsonObject = {
    version: '0.0',
    Resources: [{ TargetService: { Type: 'AWS::ECS::Service', Properties: properties } }],
    ...(hooks.length > 0 ? { Hooks: hooks } : {}),
  };
  const content = JSON.stringify(appSpec);
  return { content, sha256: createHash('sha256').update(content).digest('hex'), appSpec };
}
