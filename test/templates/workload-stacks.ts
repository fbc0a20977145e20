// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are CloudFormation ${} variables, not JavaScript templates.
import type { CfnResource, CfnTemplate } from '@mysfits/cfn-template';
import { type DeployConfig, loadDeployConfig, serviceStackNames } from '../../deploy/config.ts';
import { scalingStackParameters, serviceStackParameters } from '../../deploy/pipeline.ts';
import { condition, type ResolveOptions, resolve } from './iam-resolve.js';
import type { SampleEnvironment } from './iam-samples.js';
import { properties } from './templates.js';

/**
 * One stack of an environment as the deploy workflow creates it: a workload template with the
 * parameter values deploy/pipeline.ts gives it (one service.yml and one scaling.yml stack per
 * service of deploy/config.yml, each with that service's values).
 */
export interface WorkloadStack {
  /** `<env>-network`, `<env>-service-<name>`, … */
  name: string;
  file: string;
  template: CfnTemplate;
  parameters: Record<string, string>;
}

/** The suffix CloudFormation appends to the names it generates (`<stack>-<logicalId>-<suffix>`). */
const generatedSuffix = '1A2B3C4D5E6F';

/** The stacks of one environment: each template once, service.yml and scaling.yml once per configured service. */
export function workloadStacks(
  templates: Record<string, CfnTemplate>,
  env: SampleEnvironment,
  config: DeployConfig = loadDeployConfig(),
): WorkloadStack[] {
  const services = Object.keys(config.services);
  const withEnvironment = (parameters: Record<string, string>) => ({ ...parameters, EnvironmentName: env.name });
  return Object.entries(templates).flatMap(([file, template]): WorkloadStack[] => {
    const base = file.replace(/\.yml$/, '');
    if (file === 'service.yml' || file === 'scaling.yml') {
      return services.map((service) => ({
        name: serviceStackNames(env.name, service)[base === 'service' ? 'service' : 'scaling'],
        file,
        template,
        parameters: withEnvironment(
          base === 'service' ? serviceStackParameters(config, service) : scalingStackParameters(config, service),
        ),
      }));
    }
    const parameters: Record<string, string> =
      file === 'network.yml' ? { NatGatewayCount: String(config.natGatewayCount) } : {};
    return [{ name: `${env.name}-${base}`, file, template, parameters: withEnvironment(parameters) }];
  });
}

/** The resources the stack really has: those without a Condition, or whose Condition holds. */
export function presentResources(stack: WorkloadStack, options: ResolveOptions): Array<[string, CfnResource]> {
  return Object.entries(stack.template.Resources).filter(
    ([, resource]) => resource.Condition === undefined || condition(resource.Condition, options),
  );
}

/**
 * How the stack's intrinsic functions resolve: its parameters, the values of its resources (names
 * and ARNs as CloudFormation gives them), and `Fn::ImportValue` of what the other stacks export.
 */
export function stackResolveOptions(
  stack: WorkloadStack,
  stacks: WorkloadStack[],
  env: SampleEnvironment,
): ResolveOptions {
  const prefix = (service: string) => `arn:${env.partition}:${service}:${env.region}:${env.account}`;
  const iam = `arn:${env.partition}:iam::${env.account}`;
  const named: Record<string, { property: string; arn: (name: string) => string }> = {
    'AWS::ECR::Repository': { property: 'RepositoryName', arn: (name) => `${prefix('ecr')}:repository/${name}` },
    'AWS::Logs::LogGroup': { property: 'LogGroupName', arn: (name) => `${prefix('logs')}:log-group:${name}:*` },
    'AWS::DynamoDB::Table': { property: 'TableName', arn: (name) => `${prefix('dynamodb')}:table/${name}` },
    'AWS::CloudWatch::Alarm': { property: 'AlarmName', arn: (name) => `${prefix('cloudwatch')}:alarm:${name}` },
  };
  const resourceValue = (id: string, attribute: string | undefined): string => {
    const resource = stack.template.Resources[id];
    const props = properties(resource);
    const given = (property: string) =>
      props[property] === undefined
        ? `${stack.name}-${id}-${generatedSuffix}`
        : String(resolve(props[property], options));
    const path = () => (props.Path === undefined ? '/' : String(resolve(props.Path, options)));
    const kind = named[resource?.Type ?? ''];
    if (kind !== undefined) {
      const name = String(resolve(props[kind.property], options));
      return attribute === 'Arn' ? kind.arn(name) : name;
    }
    // Ref of a listener or listener rule is its ARN (a CodeDeploy role names the listeners and rules).
    const loadBalancer = `${prefix('elasticloadbalancing')}:listener/app/${env.name.slice(0, 5)}-LoadB-1A2B3C4D5E6F/50dc6c495c0c9188`;
    if (resource?.Type === 'AWS::ElasticLoadBalancingV2::Listener' && attribute === undefined) {
      return `${loadBalancer}/${id.length.toString(16).padStart(16, 'f')}`;
    }
    if (resource?.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule' && attribute === undefined) {
      return `${loadBalancer.replace(':listener/', ':listener-rule/')}/f2f7dc8efc522ab2/${id.length.toString(16).padStart(16, 'a')}`;
    }
    // Ref of a managed policy is its ARN; Ref of a role its name, GetAtt Arn its ARN.
    if (resource?.Type === 'AWS::IAM::ManagedPolicy' && attribute === undefined) {
      return `${iam}:policy${path()}${given('ManagedPolicyName')}`;
    }
    if (resource?.Type === 'AWS::IAM::Role') {
      return attribute === 'Arn' ? `${iam}:role${path()}${given('RoleName')}` : given('RoleName');
    }
    throw new Error(
      `workload-stacks.ts cannot resolve ${attribute ? `GetAtt ${id}.${attribute}` : `Ref ${id}`} (${resource?.Type}) of ${stack.name}; extend it.`,
    );
  };
  const importValue = (name: string): unknown => {
    for (const other of stacks) {
      const otherOptions = other === stack ? options : stackResolveOptions(other, stacks, env);
      for (const output of Object.values(other.template.Outputs ?? {})) {
        if (output.Export === undefined || resolve(output.Export.Name, otherOptions) !== name) continue;
        if (output.Condition !== undefined && !condition(output.Condition, otherOptions)) continue;
        return resolve(output.Value, otherOptions);
      }
    }
    throw new Error(`${stack.name} imports ${name}, which no stack of the environment exports.`);
  };
  const options: ResolveOptions = {
    template: stack.template,
    env,
    parameters: stack.parameters,
    resourceValue,
    importValue,
  };
  return options;
}
