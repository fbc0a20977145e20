import { readFileSync } from 'node:fs';
import type { CfnResource } from '@mysfits/cfn-template';
import { describe, expect, it } from 'vitest';
import { asList, loadTemplate, properties, resourcesOfType, templateDir, templateFiles } from './templates.js';

const platform = loadTemplate('platform.yml');
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

describe('platform.yml security groups', () => {
  const ingressRules = [
    ...asList(properties(platform.Resources.ServiceSecurityGroup).SecurityGroupIngress as object[] | undefined),
    ...resourcesOfType(platform, 'AWS::EC2::SecurityGroupIngress')
      .map(([, resource]) => properties(resource))
      .filter((rule) => JSON.stringify(rule.GroupId) === JSON.stringify({ Ref: 'ServiceSecurityGroup' })),
  ] as Array<Record<string, unknown>>;

  it('should let the services be reached only from the load balancer and from each other', () => {
    expect(ingressRules.map((rule) => rule.SourceSecurityGroupId)).toEqual([
      { Ref: 'LoadBalancerSecurityGroup' },
      { Ref: 'ServiceSecurityGroup' },
    ]);
    for (const rule of ingressRules) {
      expect(rule.CidrIp).toBeUndefined();
      expect(rule.FromPort).toEqual({ Ref: 'ContainerPort' });
    }
    expect(JSON.stringify(platform.Resources.ServiceSecurityGroup)).not.toMatch(/SecurityGroupIngress/);
  });

  it('should open the test listener port only to TestListenerCidr', () => {
    const ingress = properties(platform.Resources.LoadBalancerSecurityGroup).SecurityGroupIngress as Array<
      Record<string, unknown>
    >;
    const testRule = ingress.find((rule) => JSON.stringify(rule.FromPort) === '{"Ref":"TestListenerPort"}');
    expect(testRule?.CidrIp).toEqual({ Ref: 'TestListenerCidr' });
  });
});

describe('platform.yml target groups', () => {
  const groups = resourcesOfType(platform, 'AWS::ElasticLoadBalancingV2::TargetGroup');

  it('should have a blue and a green target group per service', () => {
    expect(groups.map(([id]) => id).sort()).toEqual([
      'LikeBlueTargetGroup',
      'LikeGreenTargetGroup',
      'MonolithBlueTargetGroup',
      'MonolithGreenTargetGroup',
    ]);
  });

  it.each(groups)('should health-check %s fast and drain it quickly', (_id, group) => {
    const props = properties(group);
    expect(props.TargetType).toBe('ip');
    expect(props.HealthCheckPath).toBe('/health');
    expect(props.HealthCheckIntervalSeconds).toBeLessThanOrEqual(10);
    expect(props.HealthyThresholdCount).toBe(2);
    const attributes = props.TargetGroupAttributes as Array<{ Key: string; Value: string }>;
    const delay = attributes.find((attribute) => attribute.Key === 'deregistration_delay.timeout_seconds');
    expect(Number(delay?.Value)).toBeLessThanOrEqual(30);
  });
});

describe('platform.yml listener rules', () => {
  const rules = resourcesOfType(platform, 'AWS::ElasticLoadBalancingV2::ListenerRule').map(([id, rule]) => ({
    id,
    ...summarise(rule),
  }));
  const production = rules.filter((rule) => rule.listener !== 'TestListener');
  const test = rules.filter((rule) => rule.listener === 'TestListener');

  function summarise(rule: CfnResource) {
    const props = properties(rule) as {
      ListenerArn: unknown;
      Priority: number;
      Conditions: Array<{ Field: string; PathPatternConfig: { Values: string[] } }>;
      Actions: Array<{ Type: string; ForwardConfig?: unknown; FixedResponseConfig?: unknown }>;
    };
    return {
      listener: JSON.stringify(props.ListenerArn) === '{"Ref":"TestListener"}' ? 'TestListener' : 'public',
      listenerArn: props.ListenerArn,
      priority: props.Priority,
      patterns: props.Conditions.flatMap((condition) => condition.PathPatternConfig.Values),
      action: props.Actions[0],
    };
  }

  const forwardTo = (service: string) => ({
    Type: 'forward',
    ForwardConfig: {
      TargetGroups: [
        { TargetGroupArn: { Ref: `${service}BlueTargetGroup` }, Weight: 1 },
        { TargetGroupArn: { Ref: `${service}GreenTargetGroup` }, Weight: 0 },
      ],
    },
  });

  it('should attach production rules to the HTTPS listener when there is a certificate, else to HTTP', () => {
    for (const rule of production) {
      expect(rule.listenerArn, rule.id).toEqual({
        'Fn::If': ['HasCertificate', { Ref: 'PublicHttpsListener' }, { Ref: 'PublicHttpListener' }],
      });
    }
  });

  it('should send /mysfits/*/like to the like service, blue taking all traffic', () => {
    const like = production.find((rule) => rule.id === 'LikeProductionListenerRule');
    expect(like?.patterns).toEqual(['/mysfits/*/like']);
    expect(like?.action).toEqual(forwardTo('Like'));
  });

  it('should answer /mysfits/*/fulfill-like with the JSON 404 before any forward rule', () => {
    const fulfill = production.find((rule) => rule.patterns.includes('/mysfits/*/fulfill-like'));
    expect(fulfill?.action).toEqual({
      Type: 'fixed-response',
      FixedResponseConfig: { StatusCode: '404', ContentType: 'application/json', MessageBody: notFoundBody },
    });
    expect(fulfill?.priority).toBe(Math.min(...production.map((rule) => rule.priority)));
  });

  it('should send everything else to the monolith with the lowest-priority catch-all rule', () => {
    const monolith = production.find((rule) => rule.id === 'MonolithProductionListenerRule');
    expect(monolith?.patterns).toEqual(['/*']);
    expect(monolith?.action).toEqual(forwardTo('Monolith'));
    expect(monolith?.priority).toBe(Math.max(...production.map((rule) => rule.priority)));
  });

  it('should mirror every production rule on the test listener', () => {
    const strip = ({ priority, patterns, action }: (typeof rules)[number]) => ({ priority, patterns, action });
    expect(test.map(strip)).toEqual(production.map(strip));
    expect(new Set(production.map((rule) => rule.priority)).size).toBe(production.length);
  });
});

describe('platform.yml data and images', () => {
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

  it.each(['MonolithRepository', 'LikeRepository'])(
    'should scan %s on push, keep tags immutable and expire old images',
    (id) => {
      const repository = properties(platform.Resources[id]);
      expect(repository.ImageScanningConfiguration).toEqual({ ScanOnPush: true });
      expect(repository.ImageTagMutability).toBe('IMMUTABLE');
      expect(JSON.stringify(repository.LifecyclePolicy)).toContain('imageCountMoreThan');
    },
  );
});

describe('cloudformation/README.md', () => {
  const readme = readFileSync(`${templateDir}README.md`, 'utf8');

  it.each(templateFiles)('should list every output of %s', (file) => {
    for (const name of Object.keys(loadTemplate(file).Outputs ?? {})) {
      expect(readme, name).toContain(`\`${name}\``);
    }
  });
});
