import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CloudFormationClient, CreateStackCommand, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeLaunchTemplateVersionsCommand, EC2Client } from '@aws-sdk/client-ec2';
import { DescribeClustersCommand, ECSClient } from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { environmentConfig, loadDeployConfig, parseDeployConfig } from '../../deploy/config.js';
import { ec2CapacityStackParameters, platformStackParameters } from '../../deploy/pipeline.js';
import { type MotoServer, startMoto } from '../support/moto.js';
import { resolve } from './iam-resolve.js';
import { sampleEnvironment } from './iam-samples.js';
import { loadTemplate, properties } from './templates.js';

// cloudformation/ec2-capacity.yml: the optional EC2 capacity of an environment (README "Capacity:
// Fargate, Spot, EC2"). The template's invariants, and a deploy into moto (which creates the
// group, launch template and roles; it has no ECS capacity provider in CloudFormation).

const template = loadTemplate('ec2-capacity.yml');
const templatePath = (name: string) => fileURLToPath(new URL(`../../cloudformation/${name}`, import.meta.url));

describe('ec2-capacity.yml', () => {
  it('should take the AMI from the public ECS-optimised SSM parameters, one per architecture', () => {
    expect(template.Parameters?.X86AmiId).toMatchObject({
      Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
      Default: '/aws/service/ecs/optimized-ami/amazon-linux-2023/recommended/image_id',
    });
    expect(template.Parameters?.Arm64AmiId).toMatchObject({
      Type: 'AWS::SSM::Parameter::Value<AWS::EC2::Image::Id>',
      Default: '/aws/service/ecs/optimized-ami/amazon-linux-2023/arm64/recommended/image_id',
    });
  });

  it('should require IMDSv2 with one hop, so containers cannot read the instance credentials', () => {
    const data = properties(template.Resources.LaunchTemplate).LaunchTemplateData as Record<string, unknown>;
    expect(data.MetadataOptions).toEqual({
      HttpTokens: 'required',
      HttpEndpoint: 'enabled',
      HttpPutResponseHopLimit: 1,
    });
  });

  it('should protect new instances from scale-in and let the capacity provider manage scaling and termination', () => {
    expect(properties(template.Resources.AutoScalingGroup).NewInstancesProtectedFromScaleIn).toBe(true);
    const provider = properties(template.Resources.CapacityProvider).AutoScalingGroupProvider as Record<
      string,
      unknown
    >;
    expect(provider.ManagedTerminationProtection).toBe('ENABLED');
    expect(provider.ManagedScaling).toMatchObject({ Status: 'ENABLED', TargetCapacity: 100 });
  });

  it("should give the instance role only the ECS agent's calls, on this environment's cluster", () => {
    const role = properties(template.Resources.InstanceRole);
    const [policy] = role.Policies as Array<{ PolicyDocument: { Statement: Array<{ Action: string | string[] }> } }>;
    const actions = (policy?.PolicyDocument.Statement ?? []).flatMap((statement) => statement.Action);
    expect(actions.sort()).toEqual(
      [
        'ecs:DeregisterContainerInstance',
        'ecs:DiscoverPollEndpoint',
        'ecs:Poll',
        'ecs:RegisterContainerInstance',
        'ecs:StartTelemetrySession',
        'ecs:SubmitAttachmentStateChanges',
        'ecs:SubmitContainerStateChange',
        'ecs:SubmitTaskStateChange',
        'ecs:TagResource',
        'ecs:UpdateContainerInstancesState',
      ].sort(),
    );
    expect(role.ManagedPolicyArns).toBeUndefined();
  });
});

/** deploy/config.yml with EC2 capacity in its first environment (behind one NAT gateway). */
function withEc2() {
  const config = loadDeployConfig();
  const [first] = Object.keys(config.environments);
  const settings = config.environments[first ?? ''];
  return environmentConfig(
    parseDeployConfig({
      ...config,
      environments: {
        ...config.environments,
        [first ?? '']: { ...settings, natGatewayCount: 1, ec2: { instanceType: 't3.small', minSize: 1, maxSize: 3 } },
      },
    }),
    first,
  );
}

describe('ec2-capacity.yml deployed into moto after network.yml, before platform.yml', () => {
  let moto: MotoServer;
  const clientConfig = () => ({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  let outputs: Record<string, string> = {};
  let platform: Record<string, string> = {};

  async function create(name: string, file: string, parameters: Record<string, string>) {
    const cloudFormation = new CloudFormationClient(clientConfig());
    await cloudFormation.send(
      new CreateStackCommand({
        StackName: name,
        TemplateBody: readFileSync(templatePath(file), 'utf8'),
        Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
          ParameterKey,
          ParameterValue,
        })),
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    const stack = (await cloudFormation.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    expect(stack?.StackStatus, `${name}: ${stack?.StackStatusReason}`).toBe('CREATE_COMPLETE');
    return Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  }

  /**
   * DescribeAutoScalingGroups by its query API (the project has no Auto Scaling client): moto routes
   * by the credential scope's service and does not check the signature.
   */
  async function describeGroup(name: string): Promise<string> {
    const response = await fetch(moto.endpoint, {
      method: 'POST',
      headers: {
        'content-type': 'application/x-www-form-urlencoded',
        authorization:
          'AWS4-HMAC-SHA256 Credential=testing/20260101/us-east-1/autoscaling/aws4_request, SignedHeaders=host, Signature=0',
      },
      body: new URLSearchParams({
        Action: 'DescribeAutoScalingGroups',
        Version: '2011-01-01',
        'AutoScalingGroupNames.member.1': name,
      }),
    });
    expect(response.status).toBe(200);
    return response.text();
  }
  const field = (xml: string, name: string) => new RegExp(`<${name}>([^<]*)</${name}>`).exec(xml)?.[1] ?? '';

  beforeAll(async () => {
    moto = await startMoto();
    await create('ec2env-network', 'network.yml', { EnvironmentName: 'ec2env', NatGatewayCount: '1' });
    const config = withEc2();
    outputs = await create('ec2env-ec2-capacity', 'ec2-capacity.yml', {
      ...(ec2CapacityStackParameters(config) ?? {}),
      EnvironmentName: 'ec2env',
    });
    platform = await create('ec2env-platform', 'platform.yml', {
      ...platformStackParameters(config),
      EnvironmentName: 'ec2env',
      Ec2CapacityProviderName: 'ec2env-ec2',
    });
  }, 60_000);
  afterAll(async () => {
    await moto?.stop();
  });

  it('should create the group across the two task subnets from the launch template, protected from scale-in', async () => {
    const group = await describeGroup(outputs.AutoScalingGroupName ?? '');
    expect([field(group, 'MinSize'), field(group, 'MaxSize')]).toEqual(['1', '3']);
    expect(field(group, 'VPCZoneIdentifier').split(',')).toHaveLength(2);
    expect(field(group, 'NewInstancesProtectedFromScaleIn')).toBe('true');
    const ec2 = new EC2Client(clientConfig());
    const { LaunchTemplateVersions } = await ec2.send(
      new DescribeLaunchTemplateVersionsCommand({ LaunchTemplateId: field(group, 'LaunchTemplateId') }),
    );
    expect(LaunchTemplateVersions?.[0]?.LaunchTemplateData?.MetadataOptions?.HttpTokens).toBe('required');
    expect(outputs.CapacityProviderName).toBe('ec2env-ec2');
  });

  it("should give the platform's cluster the EC2 capacity provider beside Fargate's", async () => {
    // moto creates the cluster but reports no capacity providers for one made by CloudFormation,
    // so the list is read from the template with the pipeline's parameter.
    const ecs = new ECSClient(clientConfig());
    const { clusters } = await ecs.send(new DescribeClustersCommand({ clusters: [platform.ClusterName ?? ''] }));
    expect(clusters?.[0]?.status).toBe('ACTIVE');
    const platformTemplate = loadTemplate('platform.yml');
    const cluster = properties(platformTemplate.Resources.Cluster);
    const parameters = platformStackParameters(withEc2());
    expect(parameters.Ec2CapacityProviderName).toBe(`${withEc2().environment}-ec2`);
    const options = {
      template: platformTemplate,
      env: sampleEnvironment,
      parameters,
      resourceValue: () => '',
    };
    expect(resolve(cluster.CapacityProviders, options)).toEqual([
      'FARGATE',
      'FARGATE_SPOT',
      parameters.Ec2CapacityProviderName,
    ]);
    expect(resolve(cluster.CapacityProviders, { ...options, parameters: { Ec2CapacityProviderName: '' } })).toEqual([
      'FARGATE',
      'FARGATE_SPOT',
    ]);
  });
});
