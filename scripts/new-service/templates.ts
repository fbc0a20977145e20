// The files `npm run new-service` writes for a service: a Hono app on services/kit (health, JSON
// errors, drain on SIGTERM), one test, and its deploy/ task and service definitions.

export interface ServiceTemplateInput {
  name: string;
  access: 'public' | 'internal';
  /** ALB path patterns (public only). */
  paths: string[];
  port: number;
  /** The versions the kit pins, so every service builds against the same Hono. */
  versions: { hono: string; nodeServer: string };
}

/** The first path segment the load balancer sends to the service (`/reviews/*` → `/reviews`). */
export function routePrefix(input: ServiceTemplateInput): string {
  const first = input.paths[0] ?? `/${input.name}`;
  const prefix = first.replace(/\/?\*.*$/, '');
  return prefix === '' ? `/${input.name}` : prefix;
}

function packageJson(input: ServiceTemplateInput): string {
  const manifest = {
    name: `@mysfits/${input.name}`,
    version: '0.1.0',
    private: true,
    description: `The ${input.name} service (npm run new-service).`,
    type: 'module',
    dependencies: { '@hono/node-server': input.versions.nodeServer, hono: input.versions.hono },
  };
  return `${JSON.stringify(manifest, null, 2)}\n`;
}

function app(input: ServiceTemplateInput): string {
  const prefix = routePrefix(input);
  const reached =
    input.access === 'public'
      ? `The load balancer sends ${input.paths.join(', ')} here (deploy/config.yml).`
      : `Internal: other services call http://${input.name}:${input.port} through Service Connect.`;
  return `import { createBaseApp } from '@mysfits/kit/base-app';
import type { Logger } from '@mysfits/kit/log';

export interface AppOptions {
  logger: Logger;
}

/** The ${input.name} service. ${reached} */
export function createApp({ logger }: AppOptions) {
  const app = createBaseApp({ logger });
  app.get('/health', (c) => c.json({ status: 'ok' }));
  app.get('${prefix}', (c) => c.json({ service: '${input.name}', message: 'Hello from ${input.name}.' }));
  return app;
}
`;
}

function server(input: ServiceTemplateInput): string {
  return `import { processLogger } from '@mysfits/kit/log';
import { startServer } from '@mysfits/kit/serve';
import { createApp } from './app.js';

const logger = processLogger('${input.name}');
try {
  const port = Number(process.env.PORT ?? '${input.port}');
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new Error(\`PORT must be an integer between 0 and 65535, found "\${process.env.PORT}".\`);
  }
  // startServer drains in-flight requests on SIGTERM (ECS stops tasks with it), then exits.
  await startServer({ app: createApp({ logger }), port, logger });
} catch (error) {
  logger.error('${input.name} service failed to start', { error: error instanceof Error ? error.message : String(error) });
  process.exitCode = 1;
}
`;
}

function test(input: ServiceTemplateInput): string {
  const prefix = routePrefix(input);
  return `import { silentLogger } from '@mysfits/kit/log';
import { describe, expect, it } from 'vitest';
import { createApp } from '../src/app.js';

const app = createApp({ logger: silentLogger });

describe('the ${input.name} service', () => {
  it('should answer /health with ok', async () => {
    const response = await app.request('/health');
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ status: 'ok' });
  });

  it('should answer ${prefix} with its greeting', async () => {
    const response = await app.request('${prefix}');
    expect(await response.json()).toEqual({ service: '${input.name}', message: 'Hello from ${input.name}.' });
  });

  it('should answer an unknown path with a JSON 404', async () => {
    const response = await app.request('${prefix}/no-such-thing');
    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ error: { code: 'not_found' } });
  });
});
`;
}

function taskDefinition(input: ServiceTemplateInput): string {
  return `# The ${input.name} service's task definition (RegisterTaskDefinition shape). deploy/pipeline.ts sets
# cpu and memory from deploy/config.yml; render-task-definition fills \${stack:<alias>:<Output>} from
# the platform stack (\`platform\`) and the service's own stack (\`service\` =
# <environment>-service-${input.name}), \${env:NAME} from the step's environment, and replaces the
# image by \`<RepositoryUri>@<digest>\` of the build.
family: \${env:ENVIRONMENT_NAME}-${input.name}
networkMode: awsvpc
requiresCompatibilities: [FARGATE]
cpu: "256"
memory: "512"
# cpuArchitecture comes from deploy/config.yml (X86_64 or ARM64, per environment).
runtimePlatform:
  operatingSystemFamily: LINUX
executionRoleArn: \${stack:service:ExecutionRoleArn}
taskRoleArn: \${stack:service:TaskRoleArn}
containerDefinitions:
  - name: ${input.name}
    image: \${stack:service:RepositoryUri}:replaced-by-digest
    essential: true
    # A hard limit equal to the task's memory (the pipeline keeps it so).
    memory: 512
    user: node
    readonlyRootFilesystem: true
    # The server drains on SIGTERM within about 8 s; ECS waits 10 s before SIGKILL.
    stopTimeout: 10
    portMappings:
      - name: http
        containerPort: ${input.port}
        protocol: tcp
        appProtocol: http
    environment:
      - name: PORT
        value: "${input.port}"
    healthCheck:
      command: [CMD-SHELL, "wget -q -O /dev/null http://127.0.0.1:${input.port}/health || exit 1"]
      interval: 15
      timeout: 5
      retries: 3
      startPeriod: 10
    logConfiguration:
      logDriver: awslogs
      options:
        awslogs-group: \${stack:service:LogGroupName}
        awslogs-region: \${env:AWS_REGION}
        awslogs-stream-prefix: ${input.name}
        mode: non-blocking
        max-buffer-size: 25m
`;
}

function serviceDefinition(input: ServiceTemplateInput): string {
  const loadBalancers =
    input.access === 'public'
      ? `loadBalancers:
  - targetGroupArn: \${stack:service:BlueTargetGroupArn}
    containerName: ${input.name}
    containerPort: ${input.port}
    advancedConfiguration:
      alternateTargetGroupArn: \${stack:service:GreenTargetGroupArn}
      productionListenerRule: \${stack:service:ProductionListenerRuleArn}
      testListenerRule: \${stack:service:TestListenerRuleArn}
      roleArn: \${stack:platform:EcsInfrastructureRoleArn}
healthCheckGracePeriodSeconds: 30
`
      : '';
  // A public service's stack makes the two deployment alarms (cloudformation/service.yml).
  const alarms =
    input.access === 'public'
      ? `  alarms:
    alarmNames:
      - \${stack:service:Errors5xxAlarmName}
      - \${stack:service:ResponseTimeAlarmName}
    enable: true
    rollback: true
`
      : '';
  return `# The ${input.name} service's ECS service (CreateService shape), created on the first deploy and
# updated after. deploy/pipeline.ts sets desiredCount and the container port from deploy/config.yml
# and fits the deployment to its strategy. Placeholders: \`network\`, \`platform\`, \`service\`.
desiredCount: 1
# No capacityProviderStrategy or launchType: deploy/pipeline.ts sets the strategy from the
# environment's \`capacity\` in deploy/config.yml.
platformVersion: LATEST
networkConfiguration:
  awsvpcConfiguration:
    subnets:
      - \${stack:network:TaskSubnet1Id}
      - \${stack:network:TaskSubnet2Id}
    securityGroups:
      - \${stack:platform:ServiceSecurityGroupId}
      - \${stack:service:SecurityGroupId}
    assignPublicIp: \${stack:network:AssignPublicIp}
${loadBalancers}deploymentConfiguration:
  strategy: ROLLING
  minimumHealthyPercent: 100
  maximumPercent: 200
  deploymentCircuitBreaker:
    enable: true
    rollback: true
${alarms}# Publishes http://${input.name}:${input.port} to the namespace for the other services.
serviceConnectConfiguration:
  enabled: true
  namespace: \${stack:platform:ServiceConnectNamespaceArn}
  services:
    - portName: http
      discoveryName: \${stack:service:DiscoveryName}
      clientAliases:
        - port: ${input.port}
          dnsName: \${stack:service:DiscoveryName}
enableECSManagedTags: true
propagateTags: SERVICE
enableExecuteCommand: false
`;
}

/** Every file of a new service, by path relative to services/<name>/. */
export function serviceFiles(input: ServiceTemplateInput): Record<string, string> {
  return {
    'package.json': packageJson(input),
    'src/app.ts': app(input),
    'src/server.ts': server(input),
    [`test/${input.name}.test.ts`]: test(input),
    'deploy/task-definition.yml': taskDefinition(input),
    'deploy/service.yml': serviceDefinition(input),
  };
}
