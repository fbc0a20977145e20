import { readFileSync, statSync } from 'node:fs';
import {
  CloudFormationClient,
  CreateStackCommand,
  DescribeStacksCommand,
  type Parameter,
} from '@aws-sdk/client-cloudformation';
import { DescribeRulesCommand, ElasticLoadBalancingV2Client } from '@aws-sdk/client-elastic-load-balancing-v2';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type DeployConfig, loadDeployConfig, parseDeployConfig } from '../../deploy/config.js';
import { serviceStackParameters } from '../../deploy/pipeline.js';
import { templateBody } from '../../scripts/bootstrap/aws.js';
import { loadListenerRules, rulePriorityProblems } from '../../services/local/src/listener-rules.js';
import { type MotoServer, startMoto } from '../support/moto.js';
import { loadTemplate, templateDir } from './templates.js';

// CloudFormation takes a template body of at most 51,200 bytes inline (what cfn-deploy sends).
const INLINE_LIMIT = 51_200;
const FAR_BELOW = INLINE_LIMIT / 2;
const PARAMETER_VALUE_LIMIT = 4_096;

/** The repository's services plus eight more, public and internal, on their own paths. */
function tenServices(): DeployConfig {
  const config = loadDeployConfig();
  const extra = Object.fromEntries(
    Array.from({ length: 8 }, (_, i) => {
      const name = `extra${i + 1}`;
      const entry =
        i % 4 === 3 ? { access: 'internal' } : { paths: [`/${name}`, `/${name}/*`], priority: 100 + i * 10 };
      return [name, entry];
    }),
  );
  return parseDeployConfig({ ...config, services: { ...config.services, ...extra } });
}

const ten = tenServices();
const bytes = (file: string) => statSync(`${templateDir}${file}`).size;

describe('template sizes with ten services configured', () => {
  it('should configure ten services whose rules keep their own priorities', () => {
    expect(Object.keys(ten.services)).toHaveLength(10);
    expect(rulePriorityProblems(loadListenerRules({ config: ten }))).toEqual([]);
  });

  it('should keep the bootstrap template within the inline limit, as the README deploys it by hand', () => {
    expect(bytes('bootstrap.yml')).toBeLessThan(INLINE_LIMIT);
  });

  it('should have npm run bootstrap send a body far below the inline limit, the same template as JSON', () => {
    const body = templateBody(`${templateDir}bootstrap.yml`);
    expect(Buffer.byteLength(body)).toBeLessThan(INLINE_LIMIT * 0.75);
    expect(JSON.parse(body)).toEqual(loadTemplate('bootstrap.yml'));
  });

  it('should keep the platform far below the inline limit, and the service stacks export nothing', () => {
    expect(bytes('platform.yml')).toBeLessThan(FAR_BELOW);
    const outputs = Object.entries(loadTemplate('service.yml').Outputs ?? {});
    expect(outputs.length).toBeGreaterThan(5);
    for (const [name, output] of outputs) expect(output.Export, name).toBeUndefined();
  });

  it("should send each service's stack the same small template and parameters within CloudFormation's limits", () => {
    expect(bytes('service.yml')).toBeLessThan(FAR_BELOW);
    for (const service of Object.keys(ten.services)) {
      for (const [key, value] of Object.entries(serviceStackParameters(ten, service))) {
        expect(Buffer.byteLength(value), `${service} ${key}`).toBeLessThan(PARAMETER_VALUE_LIMIT);
      }
    }
  });
});

describe('ten service stacks deployed into moto beside one platform', () => {
  let moto: MotoServer;
  const clientConfig = () => ({
    endpoint: moto.endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  });
  const environment = 'ten';

  async function create(name: string, file: string, parameters: Record<string, string>) {
    const cloudFormation = new CloudFormationClient(clientConfig());
    const Parameters: Parameter[] = Object.entries(parameters).map(([ParameterKey, ParameterValue]) => ({
      ParameterKey,
      ParameterValue,
    }));
    await cloudFormation.send(
      new CreateStackCommand({
        StackName: name,
        TemplateBody: readFileSync(`${templateDir}${file}`, 'utf8'),
        Parameters,
        Capabilities: ['CAPABILITY_IAM'],
      }),
    );
    const stack = (await cloudFormation.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
    expect(stack?.StackStatus, `${name}: ${stack?.StackStatusReason}`).toBe('CREATE_COMPLETE');
    return Object.fromEntries((stack?.Outputs ?? []).map((o) => [o.OutputKey ?? '', o.OutputValue ?? '']));
  }

  let platform: Record<string, string>;

  beforeAll(async () => {
    moto = await startMoto();
    await create(`${environment}-network`, 'network.yml', { EnvironmentName: environment });
    platform = await create(`${environment}-platform`, 'platform.yml', { EnvironmentName: environment });
    for (const service of Object.keys(ten.services)) {
      const parameters = { ...serviceStackParameters(ten, service), EnvironmentName: environment };
      await create(`${environment}-service-${service}`, 'service.yml', parameters);
    }
  }, 120_000);
  afterAll(async () => {
    await moto?.stop();
  });

  it('should put one rule per public service and the fixed response on the public listener', async () => {
    const elb = new ElasticLoadBalancingV2Client(clientConfig());
    const { Rules } = await elb.send(new DescribeRulesCommand({ ListenerArn: platform.PublicListenerArn }));
    const publicServices = Object.values(ten.services).filter((entry) => entry.access === 'public');
    const priorities = (Rules ?? []).filter((rule) => !rule.IsDefault).map((rule) => Number(rule.Priority));
    expect(priorities.sort((a, b) => a - b)).toEqual(
      [10, ...publicServices.map((entry) => entry.priority ?? 0)].sort((a, b) => a - b),
    );
  });
});
