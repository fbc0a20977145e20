import { readFileSync } from 'node:fs';
import type { CfnResource } from '@mysfits/cfn-template';
import { describe, expect, it } from 'vitest';
import { loadTemplate, properties, resourcesOfType, templateDir, templateFiles } from './templates.js';

const platform = loadTemplate('platform.yml');
const service = loadTemplate('service.yml');
const notFoundBody = '{"error":{"code":"not_found","message":"Not found."}}';

describe.each(templateFiles)('%s', (file) => {
  const template = loadTemplate(file);
  const text = readFileSync(`${templateDir}${file}`, 'utf8');

  it('should have a format version and a description', () => {
    expect(template.AWSTemplateFormatVersion).toBe('2010-09-09');
    expect(template.Description?.length).toBeGreaterThan(40);
  });

  it('should describe every parameter and output', () => {
    for (const [name, parameter] of Object.entries(template.Parameters ?? {})) {
      expect(parameter.Description, `parameter ${name}`).toBeTruthy();
    }
    for (const [name, output] of Object.entries(template.Outputs ?? {})) {
      expect(output.Description, `output ${name}`).toBeTruthy();
    }
  });

  it('should prefix every export with the environment name and the output name', () => {
    for (const [name, output] of Object.entries(template.Outputs ?? {})) {
      if (output.Export) expect(output.Export.Name, name).toEqual({ 'Fn::Sub': `\${EnvironmentName}-${name}` });
    }
  });

  it('should write no account id, region or aws partition into the template', () => {
    expect(text).not.toMatch(/\b\d{12}\b/);
    expect(text).not.toMatch(/\b(us|eu|ap|sa|ca|me|af)-(east|west|north|south|central|northeast|southeast)-\d\b/);
    expect(text).not.toMatch(/arn:aws:/);
  });

  it('should stay inside what moto parses (dotted GetAtt, no Condition inside Not/And/Or, no Fn::Cidr)', () => {
    expect(text).not.toMatch(/!GetAtt\s*\[/);
    expect(text).not.toMatch(/Fn::GetAtt:\s*\n/);
    expect(text).not.toMatch(/!Cidr|Fn::Cidr/);
    for (const [name, condition] of Object.entries(template.Conditions ?? {})) {
      expect(JSON.stringify(condition), name).not.toMatch(/"Condition"/);
    }
  });

  it('should give every log group a retention', () => {
    for (const [id, group] of resourcesOfType(template, 'AWS::Logs::LogGroup')) {
      expect(properties(group).RetentionInDays, id).toBeDefined();
    }
  });
});

const ref = (id: string) => ({ Ref: id });
const imported = (name: string) => ({ 'Fn::ImportValue': { 'Fn::Sub': `\${EnvironmentName}-${name}` } });

describe('security groups (platform.yml and service.yml)', () => {
  type Rule = Record<string, unknown> & { id: string; condition: string | undefined };
  const rulesOfType = (type: string): Rule[] =>
    resourcesOfType(service, type).map(([id, rule]) => ({ ...properties(rule), id, condition: rule.Condition }));
  const ingress = rulesOfType('AWS::EC2::SecurityGroupIngress');
  const egress = rulesOfType('AWS::EC2::SecurityGroupEgress');
  const noTraffic = [
    { Description: expect.any(String), IpProtocol: 'icmp', FromPort: 252, ToPort: 86, CidrIp: '255.255.255.255/32' },
  ];

  it("should let a service's tasks be reached only from the load balancer (if public) and the other services, on its port", () => {
    expect(ingress.map((rule) => [rule.GroupId, rule.SourceSecurityGroupId, rule.condition])).toEqual([
      [ref('SecurityGroup'), imported('ServiceSecurityGroupId'), undefined],
      [ref('SecurityGroup'), imported('LoadBalancerSecurityGroupId'), 'IsPublic'],
    ]);
    for (const rule of ingress) {
      expect(rule.CidrIp, rule.id).toBeUndefined();
      expect([rule.FromPort, rule.ToPort], rule.id).toEqual([ref('ContainerPort'), ref('ContainerPort')]);
    }
    expect(JSON.stringify(service.Resources.SecurityGroup)).not.toMatch(/SecurityGroupIngress/);
    expect(JSON.stringify(platform.Resources.ServiceSecurityGroup)).not.toMatch(/SecurityGroupIngress/);
    expect(resourcesOfType(platform, 'AWS::EC2::SecurityGroupIngress')).toEqual([]);
  });

  it('should open egress from the load balancer and the other tasks to a service only on its port, to its group', () => {
    expect(egress.map((rule) => [rule.GroupId, rule.DestinationSecurityGroupId, rule.condition])).toEqual([
      [imported('ServiceSecurityGroupId'), ref('SecurityGroup'), undefined],
      [imported('LoadBalancerSecurityGroupId'), ref('SecurityGroup'), 'IsPublic'],
    ]);
    for (const rule of egress)
      expect([rule.FromPort, rule.ToPort], rule.id).toEqual([ref('ContainerPort'), ref('ContainerPort')]);
    expect(properties(service.Resources.SecurityGroup).SecurityGroupEgress).toEqual(noTraffic);
    expect(properties(platform.Resources.LoadBalancerSecurityGroup).SecurityGroupEgress).toEqual(noTraffic);
  });

  it('should open the test listener port only to TestListenerCidr', () => {
    const rules = properties(platform.Resources.LoadBalancerSecurityGroup).SecurityGroupIngress as Array<
      Record<string, unknown>
    >;
    const testRule = rules.find((rule) => JSON.stringify(rule.FromPort) === '{"Ref":"TestListenerPort"}');
    expect(testRule?.CidrIp).toEqual({ Ref: 'TestListenerCidr' });
  });
});

describe('service.yml target groups', () => {
  const groups = resourcesOfType(service, 'AWS::ElasticLoadBalancingV2::TargetGroup');

  it('should have a blue and a green target group, only for a public service', () => {
    expect(groups.map(([id, group]) => [id, group.Condition])).toEqual([
      ['BlueTargetGroup', 'IsPublic'],
      ['GreenTargetGroup', 'IsPublic'],
    ]);
    expect(resourcesOfType(platform, 'AWS::ElasticLoadBalancingV2::TargetGroup')).toEqual([]);
  });

  it.each(groups)('should health-check %s fast on the configured path and port and drain it quickly', (_id, group) => {
    const props = properties(group);
    expect(props.TargetType).toBe('ip');
    expect(props.Port).toEqual(ref('ContainerPort'));
    expect(props.HealthCheckPath).toEqual(ref('HealthCheckPath'));
    expect(props.HealthCheckIntervalSeconds).toBeLessThanOrEqual(10);
    expect(props.HealthyThresholdCount).toBe(2);
    const attributes = props.TargetGroupAttributes as Array<{ Key: string; Value: string }>;
    const delay = attributes.find((attribute) => attribute.Key === 'deregistration_delay.timeout_seconds');
    expect(Number(delay?.Value)).toBeLessThanOrEqual(30);
  });
});

describe('listener rules (platform.yml and service.yml)', () => {
  function summarise([id, rule]: [string, CfnResource]) {
    const props = properties(rule) as {
      ListenerArn: unknown;
      Priority: unknown;
      Conditions: Array<{ Field: string; PathPatternConfig: { Values: unknown } }>;
      Actions: Array<{ Type: string; ForwardConfig?: unknown; FixedResponseConfig?: unknown }>;
    };
    return {
      id,
      condition: rule.Condition,
      listener: props.ListenerArn,
      priority: props.Priority,
      patterns: props.Conditions.map((condition) => [condition.Field, condition.PathPatternConfig.Values]),
      action: props.Actions,
    };
  }
  const fixed = resourcesOfType(platform, 'AWS::ElasticLoadBalancingV2::ListenerRule').map(summarise);
  const forward = resourcesOfType(service, 'AWS::ElasticLoadBalancingV2::ListenerRule').map(summarise);
  const publicListener = { 'Fn::If': ['HasCertificate', ref('PublicHttpsListener'), ref('PublicHttpListener')] };

  it('should keep only fixed JSON 404 responses in the platform, on both listeners alike', () => {
    expect(fixed.map((rule) => rule.listener)).toEqual([publicListener, ref('TestListener')]);
    for (const rule of fixed) {
      expect(rule.action, rule.id).toEqual([
        {
          Type: 'fixed-response',
          FixedResponseConfig: { StatusCode: '404', ContentType: 'application/json', MessageBody: notFoundBody },
        },
      ]);
    }
    const strip = ({ priority, patterns, action }: (typeof fixed)[number]) => ({ priority, patterns, action });
    expect(strip(fixed[0] as (typeof fixed)[number])).toEqual(strip(fixed[1] as (typeof fixed)[number]));
    expect(fixed[0]?.patterns).toEqual([['path-pattern', ['/mysfits/*/fulfill-like']]]);
  });

  it('should export the HTTPS listener as the public one when there is a certificate, else HTTP', () => {
    expect(platform.Outputs?.PublicListenerArn?.Value).toEqual(publicListener);
    expect(platform.Outputs?.TestListenerArn?.Value).toEqual(ref('TestListener'));
  });

  it("should forward a public service's paths to its blue target group (all traffic) and green (none), on both listeners", () => {
    expect(forward.map((rule) => [rule.id, rule.condition, rule.listener])).toEqual([
      ['ProductionListenerRule', 'IsPublic', imported('PublicListenerArn')],
      ['TestListenerRule', 'IsPublic', imported('TestListenerArn')],
    ]);
    for (const rule of forward) {
      expect(rule.priority, rule.id).toEqual(ref('ListenerRulePriority'));
      expect(rule.patterns, rule.id).toEqual([['path-pattern', ref('PathPatterns')]]);
      expect(rule.action, rule.id).toEqual([
        {
          Type: 'forward',
          ForwardConfig: {
            TargetGroups: [
              { TargetGroupArn: ref('BlueTargetGroup'), Weight: 1 },
              { TargetGroupArn: ref('GreenTargetGroup'), Weight: 0 },
            ],
          },
        },
      ]);
    }
  });
});

describe('platform.yml data and service.yml images', () => {
  it('should define the table with both GSIs, PITR and encryption, on demand', () => {
    const table = properties(platform.Resources.MysfitsTable);
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.KeySchema).toEqual([{ AttributeName: 'mysfitId', KeyType: 'HASH' }]);
    const indexes = table.GlobalSecondaryIndexes as Array<Record<string, unknown>>;
    expect(indexes).toEqual([
      {
        IndexName: 'GoodEvilIndex',
        KeySchema: [
          { AttributeName: 'goodevil', KeyType: 'HASH' },
          { AttributeName: 'mysfitId', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
      {
        IndexName: 'LawChaosIndex',
        KeySchema: [
          { AttributeName: 'lawchaos', KeyType: 'HASH' },
          { AttributeName: 'mysfitId', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ]);
    expect(table.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(table.SSESpecification).toMatchObject({ SSEEnabled: true });
    expect(table.DeletionProtectionEnabled).toEqual({ 'Fn::If': ['IsTableDeletionProtected', true, false] });
  });

  it('should keep Idempotency-Keys in their own on-demand, encrypted table that expires them by TTL', () => {
    const table = properties(platform.Resources.LikeRequestsTable);
    expect(table.BillingMode).toBe('PAY_PER_REQUEST');
    expect(table.KeySchema).toEqual([{ AttributeName: 'requestKey', KeyType: 'HASH' }]);
    expect(table.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(table.SSESpecification).toMatchObject({ SSEEnabled: true });
    // biome-ignore lint/suspicious/noTemplateCurlyInString: CloudFormation's own ${} syntax
    expect(table.TableName).toEqual({ 'Fn::Sub': '${EnvironmentName}-mysfits-like-requests' });
  });

  it('should retain the table when the stack is deleted or the table replaced', () => {
    const table = platform.Resources.MysfitsTable as CfnResource & Record<string, unknown>;
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.UpdateReplacePolicy).toBe('Retain');
  });

  it("should scan each service's images on push, keep tags immutable, expire old images and empty it on delete", () => {
    const repository = properties(service.Resources.Repository);
    expect(repository.RepositoryName).toEqual({ 'Fn::Sub': '$\u007BEnvironmentName}/$\u007BServiceName}' });
    expect(repository.ImageScanningConfiguration).toEqual({ ScanOnPush: true });
    expect(repository.ImageTagMutability).toBe('IMMUTABLE');
    expect(repository.EmptyOnDelete).toBe(true);
    expect(JSON.stringify(repository.LifecyclePolicy)).toContain('imageCountMoreThan');
    expect(resourcesOfType(platform, 'AWS::ECR::Repository')).toEqual([]);
  });
});

describe('cloudformation/README.md', () => {
  const readme = readFileSync(`${templateDir}README.md`, 'utf8');

  it.each(templateFiles)('should list every output of %s', (file) => {
    for (const name of Object.keys(loadTemplate(file).Outputs ?? {})) {
      expect(readme, name).toContain(`\`${name}\``);
    }
  });
});
