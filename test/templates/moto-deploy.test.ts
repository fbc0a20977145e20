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
import { loadDeployConfig, parseDeployConfig } from '../../deploy/config.js';
import { serviceStackParameters } from '../../deploy/pipeline.js';
import { type MotoServer, startMoto } from '../support/moto.js';
import { loadTemplate } from './templates.js';

const templatePath = (name: string) => fileURLToPath(new URL(`../../cloudformation/${name}`, import.meta.url));
const environmentName = 'rehearsal';

let moto: MotoServer;
let bootstrap: Record<string, string>;
let network: Record<string, string>;
let platform: Record<string, string>;
/** Each configured service's stack outputs, by service name. */
let services: Record<string, Record<string, string>>;
const config = loadDeployConfig();
const [firstPublic, secondPublic] = (() => {
  const [first, second] = Object.entries(config.services).filter(([, entry]) => entry.access === 'public');
  if (!first || !second) throw new Error('Expected deploy/config.yml to hold at least two public services.');
  return [first, second] as const;
})();

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
  services = {};
  for (const service of Object.keys(config.services)) {
    const parameters = { ...serviceStackParameters(config, service), EnvironmentName: environmentName };
    services[service] = await createStack(`${environmentName}-service-${service}`, 'service.yml', parameters);
  }
  // A CODE_DEPLOY service whose ECS service exists: CodeDeploy application, role, deployment group
  // (moto skips AWS::CodeDeploy::*, so only the role and the outputs can be checked here).
  const codeDeploy = parseDeployConfig({
    ...config,
    services: {
      ...config.services,
      cdsvc: {
        paths: ['/cdsvc/*'],
        priority: 900,
        strategy: 'CODE_DEPLOY',
        codeDeployHooks: {
          AfterAllowTestTraffic: 'arn:aws:lambda:us-east-1:123456789012:function:CodeDeployHook_smoke',
        },
      },
    },
  });
  services.cdsvc = await createStack(`${environmentName}-service-cdsvc`, 'service.yml', {
    ...serviceStackParameters(codeDeploy, 'cdsvc', { serviceExists: true }),
    EnvironmentName: environmentName,
  });
  // An internal service: Service Connect only, so no target group and no listener rule.
  services.internal = await createStack(`${environmentName}-service-worker`, 'service.yml', {
    EnvironmentName: environmentName,
    ServiceName: 'worker',
    Access: 'internal',
    ContainerPort: '9090',
  });
});

afterAll(async () => {
  await moto?.stop();
});

describe('network.yml, platform.yml and a service.yml per service deployed into moto', () => {
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
    expect(publicListener?.ListenerArn).toBe(platform.PublicListenerArn);
    const { Rules } = await elb.send(new DescribeRulesCommand({ ListenerArn: publicListener?.ListenerArn }));
    const byArn = new Map(Rules?.map((rule) => [rule.RuleArn, rule]));
    for (const [service, entry] of [firstPublic, secondPublic]) {
      const rule = byArn.get(services[service]?.ProductionListenerRuleArn);
      expect(rule?.Priority, service).toBe(String(entry.priority));
      expect(rule?.Conditions?.[0]?.PathPatternConfig?.Values, service).toEqual(entry.paths);
      expect(
        rule?.Actions?.[0]?.ForwardConfig?.TargetGroups?.map((group) => [group.TargetGroupArn, group.Weight]),
        service,
      ).toEqual([
        [services[service]?.BlueTargetGroupArn, 1],
        [services[service]?.GreenTargetGroupArn, 0],
      ]);
    }
    const fulfill = Rules?.find((rule) => rule.Priority === '10');
    expect(fulfill?.Actions?.[0]?.FixedResponseConfig?.StatusCode).toBe('404');
    // The fixed response, the two configured public services' rules and the CODE_DEPLOY one's.
    expect(Rules?.filter((rule) => rule.IsDefault !== true)).toHaveLength(1 + 2 + 1);
  });

  it('should create test listener rules separate from the production rules', async () => {
    const [service, entry] = firstPublic;
    const outputs = services[service] ?? {};
    const elb = new ElasticLoadBalancingV2Client(clientConfig());
    const { Rules } = await elb.send(new DescribeRulesCommand({ RuleArns: [outputs.TestListenerRuleArn ?? ''] }));
    expect(Rules?.[0]?.Priority).toBe(String(entry.priority));
    expect(outputs.TestListenerRuleArn).not.toBe(outputs.ProductionListenerRuleArn);
    expect(platform.TestListenerPort).toBe('8443');
  });

  it('should create blue and green ip target groups health-checking each service on its port', async () => {
    const elb = new ElasticLoadBalancingV2Client(clientConfig());
    for (const [service, entry] of [firstPublic, secondPublic]) {
      const arns = ['Blue', 'Green'].map((colour) => services[service]?.[`${colour}TargetGroupArn`] ?? '');
      const { TargetGroups } = await elb.send(new DescribeTargetGroupsCommand({ TargetGroupArns: arns }));
      expect(TargetGroups, service).toHaveLength(2);
      for (const group of TargetGroups ?? []) {
        expect(group.TargetType).toBe('ip');
        expect(group.HealthCheckPath).toBe(entry.healthCheckPath);
        expect(group.Port).toBe(entry.port);
      }
    }
  });

  it('should give an internal service no target group and no listener rule', () => {
    expect(Object.keys(services.internal ?? {}).sort()).toEqual([
      'DiscoveryName',
      'ExecutionRoleArn',
      'LogGroupName',
      'RepositoryName',
      'RepositoryUri',
      'SecurityGroupId',
      'ServiceConnectUrl',
      'TaskRoleArn',
    ]);
    expect(services.internal?.ServiceConnectUrl).toBe('http://worker:9090');
  });

  it("should output each public service's alarm names with the environment prefix (moto itself holds no alarm)", () => {
    for (const [service] of [firstPublic, secondPublic]) {
      expect(services[service]?.Errors5xxAlarmName, service).toBe(`${environmentName}-${service}-target-5xx`);
      expect(services[service]?.ResponseTimeAlarmName, service).toBe(`${environmentName}-${service}-target-p99`);
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
  it('should create one ECR repository per service, <env>/<name>, with immutable tags', async () => {
    const ecr = new ECRClient(clientConfig());
    const names = Object.keys(config.services).map((service) => services[service]?.RepositoryName ?? '');
    expect(names).toEqual(Object.keys(config.services).map((service) => `${environmentName}/${service}`));
    const { repositories } = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: names }));
    expect(repositories?.map((repository) => repository.repositoryUri).sort()).toEqual(
      Object.keys(config.services)
        .map((service) => services[service]?.RepositoryUri)
        .sort(),
    );
    for (const repository of repositories ?? []) {
      expect(repository.imageTagMutability).toBe('IMMUTABLE');
    }
  });

  it('should set every output of the platform and of a public service stack', () => {
    const codeDeployOnly = (name: string | undefined) =>
      ['UsesCodeDeploy', 'HasCodeDeployGroup'].includes(
        loadTemplate('service.yml').Outputs?.[name ?? '']?.Condition ?? '',
      );
    for (const [file, outputs, kept] of [
      ['platform.yml', platform, () => true],
      ['service.yml', services[firstPublic[0]] ?? {}, (name: string | undefined) => !codeDeployOnly(name)],
      ['service.yml', services.cdsvc ?? {}, () => true],
    ] as const) {
      const template = readFileSync(templatePath(file), 'utf8');
      const declared = [...template.slice(template.indexOf('\nOutputs:')).matchAll(/^ {2}(\w+):$/gm)].map((m) => m[1]);
      expect(Object.keys(outputs).sort(), file).toEqual(declared.filter(kept).sort());
    }
    expect(services.cdsvc?.CodeDeployApplicationName).toBe(`AppECS-${environmentName}-cluster-cdsvc`);
    expect(services.cdsvc?.CodeDeployDeploymentGroupName).toBe(`DgpECS-${environmentName}-cluster-cdsvc`);
    for (const [key, value] of Object.entries({ ...network, ...platform, ...services[firstPublic[0]] })) {
      expect(value, key).not.toBe('');
    }
    expect(platform.ClusterName).toBe(`${environmentName}-cluster`);
    expect(services[firstPublic[0]]?.ServiceConnectUrl).toBe(`http://${firstPublic[0]}:${firstPublic[1].port}`);
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

  it('should give every role of the platform and service stacks that boundary', async () => {
    const roles = (await motoRoles()).filter((role) => role.path === `/${environmentName}/`);
    // The ECS infrastructure role, an execution and a task role per service stack (the configured
    // ones, the internal one and the CODE_DEPLOY one), and the CODE_DEPLOY service's CodeDeploy role.
    expect(roles).toHaveLength(1 + 2 * (Object.keys(config.services).length + 2) + 1);
    expect(roles.filter((role) => role.name.includes('CodeDeployRole'))).toHaveLength(1);
    for (const role of roles) expect(role.permissions_boundary_arn, role.name).toBe(bootstrap.WorkloadBoundaryArn);
  });
});
