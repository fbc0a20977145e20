import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  type Output,
} from '@aws-sdk/client-cloudformation';
import { DescribeTableCommand, DynamoDBClient } from '@aws-sdk/client-dynamodb';
import {
  DescribeNatGatewaysCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  EC2Client,
} from '@aws-sdk/client-ec2';
import { DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import {
  DescribeListenersCommand,
  DescribeLoadBalancersCommand,
  DescribeRulesCommand,
  DescribeTargetGroupsCommand,
  ElasticLoadBalancingV2Client,
} from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoServer, startMoto } from '../support/moto.js';

const templatePath = (name: string) => fileURLToPath(new URL(`../../cloudformation/${name}`, import.meta.url));
const environmentName = 'rehearsal';

let moto: MotoServer;
let bootstrap: Record<string, string>;
let network: Record<string, string>;
let platform: Record<string, string>;

function clientConfig() {
  return {
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
}

function outputMap(outputs: Output[] | undefined): Record<string, string> {
  return Object.fromEntries((outputs ?? []).map((output) => [output.OutputKey ?? '', output.OutputValue ?? '']));
}

// CreateStack, not a change set: moto drops outputs after executing a CREATE change set (DESIGN.md).
async function createStack(
  name: string,
  file: string,
  parameters: Record<string, string> = { EnvironmentName: environmentName },
): Promise<Record<string, string>> {
  const cloudFormation = new CloudFormationClient(clientConfig());
  await cloudFormation.send(
    new CreateStackCommand({
      StackName: name,
      TemplateBody: readFileSync(templatePath(file), 'utf8'),
      Parameters: Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
        ParameterKey,
        ParameterValue,
      })),
      Capabilities: ['CAPABILITY_IAM', 'CAPABILITY_NAMED_IAM'],
    }),
  );
  const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: name }));
  const stack = Stacks?.[0];
  if (stack?.StackStatus !== 'CREATE_COMPLETE') {
    throw new Error(`Expected ${name} in CREATE_COMPLETE, found ${stack?.StackStatus}: ${stack?.StackStatusReason}`);
  }
  return outputMap(stack.Outputs);
}

beforeAll(async () => {
  moto = await startMoto();
  // An existing provider ARN: moto skips AWS::IAM::OIDCProvider, so a created one's Ref would be null.
  bootstrap = await createStack(`${environmentName}-bootstrap`, 'bootstrap.yml', {
    EnvironmentName: environmentName,
    GitHubRepository: 'octo-org/mysfits',
    ExistingOidcProviderArn: 'arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com',
  });
  network = await createStack(`${environmentName}-network`, 'network.yml');
  platform = await createStack(`${environmentName}-platform`, 'platform.yml');
});

afterAll(async () => {
  await moto?.stop();
});

describe('network.yml and platform.yml deployed into moto', () => {
  it('should create the VPC with two public and two private subnets in two zones', async () => {
    const ec2 = new EC2Client(clientConfig());
    const { Vpcs } = await ec2.send(new DescribeVpcsCommand({ VpcIds: [network.VpcId ?? ''] }));
    expect(Vpcs?.[0]?.CidrBlock).toBe('10.0.0.0/16');
    const subnetIds = [...(network.PublicSubnetIds ?? '').split(','), ...(network.PrivateSubnetIds ?? '').split(',')];
    const { Subnets } = await ec2.send(new DescribeSubnetsCommand({ SubnetIds: subnetIds }));
    expect(Subnets?.map((subnet) => subnet.CidrBlock).sort()).toEqual([
      '10.0.0.0/24',
      '10.0.1.0/24',
      '10.0.10.0/24',
      '10.0.11.0/24',
    ]);
    expect(new Set(Subnets?.map((subnet) => subnet.AvailabilityZone)).size).toBe(2);
  });

  it('should put tasks in public subnets with public IPs when there is no NAT gateway', () => {
    expect(network.AssignPublicIp).toBe('ENABLED');
    expect(network.TaskSubnetIds).toBe(network.PublicSubnetIds);
  });

  it('should put tasks in private subnets behind one NAT gateway per zone when NatGatewayCount is 2', async () => {
    const outputs = await createStack('nat-network', 'network.yml', {
      EnvironmentName: 'nat',
      NatGatewayCount: '2',
      VpcCidr: '10.1.0.0/16',
      PublicSubnet1Cidr: '10.1.0.0/24',
      PublicSubnet2Cidr: '10.1.1.0/24',
      PrivateSubnet1Cidr: '10.1.10.0/24',
      PrivateSubnet2Cidr: '10.1.11.0/24',
    });
    expect(outputs.AssignPublicIp).toBe('DISABLED');
    expect(outputs.TaskSubnetIds).toBe(outputs.PrivateSubnetIds);
    const ec2 = new EC2Client(clientConfig());
    const { NatGateways } = await ec2.send(
      new DescribeNatGatewaysCommand({ Filter: [{ Name: 'vpc-id', Values: [outputs.VpcId ?? ''] }] }),
    );
    expect(NatGateways).toHaveLength(2);
  });

  it('should create an internet-facing ALB whose listener rules route like the template says', async () => {
    const elb = new ElasticLoadBalancingV2Client(clientConfig());
    const { LoadBalancers } = await elb.send(new DescribeLoadBalancersCommand({}));
    const loadBalancer = LoadBalancers?.find((candidate) => candidate.DNSName === platform.LoadBalancerDnsName);
    expect(loadBalancer?.Scheme).toBe('internet-facing');
    const { Listeners } = await elb.send(
      new DescribeListenersCommand({ LoadBalancerArn: loadBalancer?.LoadBalancerArn }),
    );
    expect(Listeners?.map((listener) => listener.Port).sort()).toEqual([80, 8443]);
    const publicListener = Listeners?.find((listener) => listener.Port === 80);
    const { Rules } = await elb.send(new DescribeRulesCommand({ ListenerArn: publicListener?.ListenerArn }));
    const byArn = new Map(Rules?.map((rule) => [rule.RuleArn, rule]));
    const like = byArn.get(platform.LikeProductionListenerRuleArn);
    expect(like?.Priority).toBe('20');
    expect(
      like?.Actions?.[0]?.ForwardConfig?.TargetGroups?.map((group) => [group.TargetGroupArn, group.Weight]),
    ).toEqual([
      [platform.LikeBlueTargetGroupArn, 1],
      [platform.LikeGreenTargetGroupArn, 0],
    ]);
    const monolith = byArn.get(platform.MonolithProductionListenerRuleArn);
    expect(monolith?.Conditions?.[0]?.PathPatternConfig?.Values).toEqual(['/*']);
    const fulfill = Rules?.find((rule) => rule.Priority === '10');
    expect(fulfill?.Actions?.[0]?.FixedResponseConfig?.StatusCode).toBe('404');
  });

  it('should create test listener rules separate from the production rules', async () => {
    const elb = new ElasticLoadBalancingV2Client(clientConfig());
    const { Rules } = await elb.send(
      new DescribeRulesCommand({ RuleArns: [platform.MonolithTestListenerRuleArn ?? ''] }),
    );
    expect(Rules?.[0]?.Priority).toBe('1000');
    expect(platform.MonolithTestListenerRuleArn).not.toBe(platform.MonolithProductionListenerRuleArn);
    expect(platform.TestListenerPort).toBe('8443');
  });

  it('should create blue and green ip target groups health-checking /health', async () => {
    const elb = new ElasticLoadBalancingV2Client(clientConfig());
    const arns = ['MonolithBlue', 'MonolithGreen', 'LikeBlue', 'LikeGreen'].map(
      (name) => platform[`${name}TargetGroupArn`] ?? '',
    );
    const { TargetGroups } = await elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: arns }));
    expect(TargetGroups).toHaveLength(4);
    for (const group of TargetGroups ?? []) {
      expect(group.TargetType).toBe('ip');
      expect(group.HealthCheckPath).toBe('/health');
      expect(group.Port).toBe(8080);
    }
  });

  it('should create the table with both GSIs', async () => {
    const dynamodb = new DynamoDBClient(clientConfig());
    const { Table } = await dynamodb.send(new DescribeTableCommand({ TableName: platform.TableName }));
    expect(Table?.TableArn).toBe(platform.TableArn);
    expect(Table?.KeySchema).toEqual([{ AttributeName: 'mysfitId', KeyType: 'HASH' }]);
    expect(Table?.GlobalSecondaryIndexes?.map((index) => index.IndexName).sort()).toEqual([
      'GoodEvilIndex',
      'LawChaosIndex',
    ]);
  });

  // Scan on push is asserted on the template (invariants test): moto keeps CloudFormation's
  // `ScanOnPush` casing, so DescribeRepositories never shows it.
  it('should create both ECR repositories with immutable tags', async () => {
    const ecr = new ECRClient(clientConfig());
    const { repositories } = await ecr.send(
      new DescribeRepositoriesCommand({
        repositoryNames: [platform.MonolithRepositoryName ?? '', platform.LikeRepositoryName ?? ''],
      }),
    );
    expect(repositories?.map((repository) => repository.repositoryUri).sort()).toEqual(
      [platform.MonolithRepositoryUri, platform.LikeRepositoryUri].sort(),
    );
    for (const repository of repositories ?? []) {
      expect(repository.imageTagMutability).toBe('IMMUTABLE');
    }
  });

  it('should set every output of both stacks', () => {
    const template = readFileSync(templatePath('platform.yml'), 'utf8');
    const declared = [...template.slice(template.indexOf('\nOutputs:')).matchAll(/^ {2}(\w+):$/gm)].map((m) => m[1]);
    expect(Object.keys(platform).sort()).toEqual([...declared].sort());
    for (const [key, value] of Object.entries({ ...network, ...platform })) {
      expect(value, key).not.toBe('');
    }
    expect(platform.ClusterName).toBe(`${environmentName}-cluster`);
    expect(platform.MonolithServiceConnectUrl).toBe('http://monolith:8080');
  });
});

/** The IAM roles moto holds (its /moto-api/data.json dump: there is no IAM client in the project's dependencies). */
async function motoRoles(): Promise<Array<{ path: string; name: string; permissions_boundary_arn: string }>> {
  const response = await fetch(`${moto.endpoint}/moto-api/data.json`);
  if (!response.ok) throw new Error(`Expected moto's data dump, found HTTP ${response.status}`);
  const data = (await response.json()) as {
    iam?: { Role?: Array<{ path: string; name: string; permissions_boundary_arn: string }> };
  };
  return data.iam?.Role ?? [];
}

describe('bootstrap.yml deployed into moto', () => {
  it('should create the workload boundary where platform.yml looks for it, and export its ARN', () => {
    expect(bootstrap.WorkloadBoundaryArn).toBe(
      `arn:aws:iam::123456789012:policy/${environmentName}/${environmentName}-workload-boundary`,
    );
  });

  it('should give every role of the platform stack that boundary', async () => {
    const roles = (await motoRoles()).filter((role) => role.path === `/${environmentName}/`);
    expect(roles).toHaveLength(5);
    for (const role of roles) expect(role.permissions_boundary_arn, role.name).toBe(bootstrap.WorkloadBoundaryArn);
  });
});
