// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are CloudFormation ${} variables, not JavaScript templates.
import { describe, expect, it } from 'vitest';
import { deploymentGroupOf } from '../../actions/ecs-deploy/src/codedeploy.js';
import type { DeployContext } from '../../actions/ecs-deploy/src/context.js';
import { CODE_DEPLOY_CONFIGS, type DeployConfig, loadDeployConfig, parseDeployConfig } from '../../deploy/config.js';
import { resolve } from './iam-resolve.js';
import { sampleEnvironment } from './iam-samples.js';
import { loadTemplate, properties } from './templates.js';
import { presentResources, stackResolveOptions, type WorkloadStack, workloadStacks } from './workload-stacks.js';

// cloudformation/service.yml's CodeDeploy resources (cloudformation/README.md, "CODE_DEPLOY
// services"): present only for a CODE_DEPLOY service, the deployment group only once its ECS
// service exists, named as ecs-deploy looks them up.

const env = sampleEnvironment;
const service = loadTemplate('service.yml');
const codeDeployTypes = ['AWS::CodeDeploy::Application', 'AWS::CodeDeploy::DeploymentGroup'];

function codeDeployConfig(): DeployConfig {
  const config = loadDeployConfig();
  return parseDeployConfig({
    ...config,
    services: { ...config.services, monolith: { ...config.services.monolith, strategy: 'CODE_DEPLOY' } },
  });
}

/** The monolith's service stack of a config, its parameters changed by `parameters`. */
function monolithStack(config: DeployConfig, parameters: Record<string, string> = {}) {
  const templates = Object.fromEntries(
    ['network.yml', 'platform.yml', 'service.yml'].map((file) => [file, loadTemplate(file)]),
  );
  const stacks: WorkloadStack[] = workloadStacks(templates, env, config).map((stack) =>
    stack.name === `${env.name}-service-monolith`
      ? { ...stack, parameters: { ...stack.parameters, ...parameters } }
      : stack,
  );
  const stack = stacks.find((candidate) => candidate.name === `${env.name}-service-monolith`);
  if (stack === undefined) throw new Error('expected the monolith stack');
  const options = stackResolveOptions(stack, stacks, env);
  const present = presentResources(stack, options);
  return { options, present, ids: present.map(([id]) => id) };
}

describe('the CodeDeploy resources of service.yml', () => {
  it('should give a service on another strategy none of them', () => {
    const { present } = monolithStack(loadDeployConfig());
    expect(present.map(([, resource]) => resource.Type)).not.toEqual(expect.arrayContaining([codeDeployTypes[0]]));
    expect(present.map(([id]) => id)).not.toContain('CodeDeployRole');
  });

  it('should give a CODE_DEPLOY service its application and role at once, the deployment group once the ECS service exists', () => {
    expect(monolithStack(codeDeployConfig()).ids).toEqual(
      expect.arrayContaining(['CodeDeployApplication', 'CodeDeployRole']),
    );
    expect(monolithStack(codeDeployConfig()).ids).not.toContain('CodeDeployDeploymentGroup');
    expect(monolithStack(codeDeployConfig(), { CodeDeployServiceExists: 'true' }).ids).toContain(
      'CodeDeployDeploymentGroup',
    );
  });

  it("should name the application and group as ecs-deploy's defaults look them up, and output those names", () => {
    const { options } = monolithStack(codeDeployConfig(), { CodeDeployServiceExists: 'true' });
    const context = {
      cluster: `arn:aws:ecs:${env.region}:${env.account}:cluster/${env.name}-cluster`,
      inputs: { service: 'monolith' },
    };
    const expected = deploymentGroupOf(context as unknown as DeployContext);
    const application = resolve(properties(service.Resources.CodeDeployApplication).ApplicationName, options);
    const group = resolve(properties(service.Resources.CodeDeployDeploymentGroup).DeploymentGroupName, options);
    expect({ application, deploymentGroup: group }).toEqual(expected);
    expect(resolve(service.Outputs?.CodeDeployApplicationName?.Value, options)).toBe(application);
    expect(resolve(service.Outputs?.CodeDeployDeploymentGroupName?.Value, options)).toBe(group);
    expect(service.Outputs?.CodeDeployApplicationName?.Condition).toBe('UsesCodeDeploy');
    expect(service.Outputs?.CodeDeployDeploymentGroupName?.Condition).toBe('HasCodeDeployGroup');
    expect(properties(service.Resources.CodeDeployApplication).ComputePlatform).toBe('ECS');
  });

  it('should deploy blue/green over both target groups, production on the public listener, first the test listener', () => {
    const group = properties(service.Resources.CodeDeployDeploymentGroup);
    expect(group.DeploymentStyle).toEqual({ DeploymentType: 'BLUE_GREEN', DeploymentOption: 'WITH_TRAFFIC_CONTROL' });
    expect(group.ECSServices).toEqual([
      {
        ClusterName: { 'Fn::ImportValue': { 'Fn::Sub': '${EnvironmentName}-ClusterName' } },
        ServiceName: { Ref: 'ServiceName' },
      },
    ]);
    expect(group.LoadBalancerInfo).toEqual({
      TargetGroupPairInfoList: [
        {
          TargetGroups: [
            { Name: { 'Fn::GetAtt': ['BlueTargetGroup', 'TargetGroupName'] } },
            { Name: { 'Fn::GetAtt': ['GreenTargetGroup', 'TargetGroupName'] } },
          ],
          ProdTrafficRoute: {
            ListenerArns: [{ 'Fn::ImportValue': { 'Fn::Sub': '${EnvironmentName}-PublicListenerArn' } }],
          },
          TestTrafficRoute: {
            ListenerArns: [{ 'Fn::ImportValue': { 'Fn::Sub': '${EnvironmentName}-TestListenerArn' } }],
          },
        },
      ],
    });
    expect(group.DeploymentConfigName).toEqual({ Ref: 'CodeDeployConfig' });
    expect(group.ServiceRoleArn).toEqual({ 'Fn::GetAtt': ['CodeDeployRole', 'Arn'] });
  });

  it("should roll back on failure and, with the service's alarms, on an alarm", () => {
    const withAlarms = monolithStack(codeDeployConfig(), { CodeDeployServiceExists: 'true' }).options;
    const without = monolithStack(codeDeployConfig(), {
      CodeDeployServiceExists: 'true',
      DeploymentAlarms: 'false',
    }).options;
    const group = properties(service.Resources.CodeDeployDeploymentGroup);
    expect(resolve(group.AutoRollbackConfiguration, withAlarms)).toEqual({
      Enabled: true,
      Events: ['DEPLOYMENT_FAILURE', 'DEPLOYMENT_STOP_ON_ALARM'],
    });
    expect(resolve(group.AlarmConfiguration, withAlarms)).toEqual({
      Enabled: true,
      Alarms: [{ Name: `${env.name}-monolith-target-5xx` }, { Name: `${env.name}-monolith-target-p99` }],
    });
    expect(resolve(group.AutoRollbackConfiguration, without)).toEqual({
      Enabled: true,
      Events: ['DEPLOYMENT_FAILURE'],
    });
    expect(resolve(group.AlarmConfiguration, without)).toBeUndefined();
  });

  it("should accept every deployment config deploy/config.ts accepts, and the termination wait CodeDeploy's range allows", () => {
    const parameter = service.Parameters?.CodeDeployConfig as unknown as { AllowedPattern: string; Default: string };
    for (const name of CODE_DEPLOY_CONFIGS) expect(name).toMatch(new RegExp(parameter.AllowedPattern));
    expect(parameter.Default).toBe('CodeDeployDefault.ECSAllAtOnce');
    expect(service.Parameters?.CodeDeployTerminationWaitMinutes).toMatchObject({ MinValue: 0, MaxValue: 2880 });
  });

  it('should let the CodeDeploy role invoke exactly the configured hooks, and nothing without any', () => {
    const hook = `arn:aws:lambda:${env.region}:${env.account}:function:CodeDeployHook_smoke`;
    const invoke = (parameters: Record<string, string>) => {
      const { options } = monolithStack(codeDeployConfig(), parameters);
      const [policy] = resolve(properties(service.Resources.CodeDeployRole).Policies, options) as Array<{
        PolicyDocument: { Statement: Array<{ Action: unknown; Resource: unknown }> };
      }>;
      return policy?.PolicyDocument.Statement.filter((statement) => statement.Action === 'lambda:InvokeFunction');
    };
    expect(invoke({ CodeDeployHookFunctionArns: hook })?.map((statement) => statement.Resource)).toEqual([[hook]]);
    expect(invoke({})).toEqual([]);
  });
});
