// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about the ${...} placeholder syntax
import { describe, expect, it } from 'vitest';
import { applyImages, mergeNamedValues, toNamedValues } from '../src/containers.js';
import { diffText, lineDiff } from '../src/diff.js';
import { resolvePlaceholders } from '../src/placeholders.js';
import { toRegisterShape } from '../src/task-definition-fields.js';
import { fargateMemoryChoices, validateTaskDefinition } from '../src/validate.js';

const base = () => ({
  family: 'mysfits-monolith',
  networkMode: 'awsvpc',
  requiresCompatibilities: ['FARGATE'],
  cpu: '256',
  memory: '512',
  containerDefinitions: [
    {
      name: 'monolith',
      image: 'placeholder',
      essential: true,
      portMappings: [{ containerPort: 8080, protocol: 'tcp' }],
      environment: [
        { name: 'NODE_ENV', value: 'production' },
        { name: 'LOG_LEVEL', value: 'info' },
      ],
    },
    { name: 'xray', image: 'amazon/aws-xray-daemon', essential: false },
  ],
});

const outputs: Record<string, Record<string, string>> = {
  'mysfits-dev-platform': { MonolithRepositoryUri: '123.dkr.ecr/mysfits/monolith', TableName: 'Mysfits' },
};

describe('placeholders', () => {
  it('should resolve stack outputs through aliases and environment variables', async () => {
    const reads: string[] = [];
    const result = await resolvePlaceholders({
      document: {
        image: '${stack:platform:MonolithRepositoryUri}:latest',
        env: 'table=${stack:platform:TableName};${env:STAGE}',
      },
      stackAliases: { platform: 'mysfits-dev-platform' },
      env: { STAGE: 'dev' },
      stackOutputs: async (name) => {
        reads.push(name);
        return outputs[name];
      },
    });
    expect(result.document).toEqual({ image: '123.dkr.ecr/mysfits/monolith:latest', env: 'table=Mysfits;dev' });
    expect(reads).toEqual(['mysfits-dev-platform']);
  });

  it('should leave shell expansions alone', async () => {
    const result = await resolvePlaceholders({
      document: { command: ['sh', '-c', 'echo ${HOME} ${PORT:-80}'] },
      stackAliases: {},
      env: {},
      stackOutputs: async () => undefined,
    });
    expect(result.document).toEqual({ command: ['sh', '-c', 'echo ${HOME} ${PORT:-80}'] });
  });

  it('should name every unresolved placeholder with its reason, not just the first', async () => {
    const attempt = resolvePlaceholders({
      document: {
        a: '${stack:platform:Missing}',
        b: '${stack:network:VpcId}',
        c: '${env:NOT_SET_ANYWHERE}',
        d: '${stack:broken}',
        ok: '${stack:platform:TableName}',
      },
      stackAliases: { platform: 'mysfits-dev-platform' },
      env: {},
      stackOutputs: async (name) => outputs[name],
    });
    await expect(attempt).rejects.toThrow(/4 placeholder\(s\) could not be resolved/);
    const message = await attempt.catch((err: Error) => err.message);
    expect(message).toContain("${stack:platform:Missing}: stack 'mysfits-dev-platform' has no output 'Missing'");
    expect(message).toContain("${stack:network:VpcId}: stack 'network' does not exist");
    expect(message).toContain('${env:NOT_SET_ANYWHERE}: environment variable NOT_SET_ANYWHERE is not set');
    expect(message).toContain('${stack:broken}: expected ${stack:<stack or alias>:<OutputKey>}');
    expect(message).not.toContain('TableName}:');
  });
});

describe('images, environment and secrets', () => {
  it('should set each listed container image and keep the others', () => {
    const result = applyImages(base(), { monolith: 'repo/monolith@sha256:abc' });
    const [monolith, xray] = result.containerDefinitions as Array<Record<string, unknown>>;
    expect(monolith?.image).toBe('repo/monolith@sha256:abc');
    expect(xray?.image).toBe('amazon/aws-xray-daemon');
  });

  it('should reject an image for a container the task definition does not have', () => {
    expect(() => applyImages(base(), { like: 'repo/like:1' })).toThrow(
      /names container\(s\) like that the task definition does not have \(containers: monolith, xray\)/,
    );
  });

  it('should replace same-named variables, keep the others and add new ones', () => {
    const entries = toNamedValues({ 'monolith:LOG_LEVEL': 'debug', 'monolith:TABLE': 'a=b,c' });
    const result = mergeNamedValues({ definition: base(), field: 'environment', entries });
    const [monolith, xray] = result.containerDefinitions as Array<Record<string, unknown>>;
    expect(monolith?.environment).toEqual([
      { name: 'NODE_ENV', value: 'production' },
      { name: 'LOG_LEVEL', value: 'debug' },
      { name: 'TABLE', value: 'a=b,c' },
    ]);
    expect(xray?.environment).toBeUndefined();
  });

  it('should merge secrets as valueFrom into every container when no container is named', () => {
    const arn = 'arn:aws:ssm:us-east-1:123456789012:parameter/mysfits/key';
    const result = mergeNamedValues({ definition: base(), field: 'secrets', entries: toNamedValues({ API_KEY: arn }) });
    for (const container of result.containerDefinitions as Array<Record<string, unknown>>) {
      expect(container.secrets).toEqual([{ name: 'API_KEY', valueFrom: arn }]);
    }
  });

  it('should reject a variable for an unknown container', () => {
    const entries = toNamedValues({ 'web:PORT': '80' });
    expect(() => mergeNamedValues({ definition: base(), field: 'environment', entries })).toThrow(
      /'environment' input/,
    );
  });
});

describe('read-only fields', () => {
  it('should drop what DescribeTaskDefinition returns but RegisterTaskDefinition rejects', () => {
    const described = {
      taskDefinition: {
        ...base(),
        taskDefinitionArn: 'arn:aws:ecs:us-east-1:123456789012:task-definition/mysfits-monolith:7',
        revision: 7,
        status: 'ACTIVE',
        requiresAttributes: [{ name: 'ecs.capability.execution-role-awslogs' }],
        compatibilities: ['EC2', 'FARGATE'],
        registeredAt: '2025-01-01T00:00:00Z',
        registeredBy: 'arn:aws:iam::123456789012:role/deploy',
        deregisteredAt: '2025-01-02T00:00:00Z',
      },
      tags: [{ key: 'app', value: 'mysfits' }],
    };
    const { definition, removed } = toRegisterShape(described, 'described.json');
    expect(removed.sort()).toEqual(
      [
        'compatibilities',
        'deregisteredAt',
        'registeredAt',
        'registeredBy',
        'requiresAttributes',
        'revision',
        'status',
        'taskDefinitionArn',
      ].sort(),
    );
    expect(definition).toEqual({ ...base(), tags: [{ key: 'app', value: 'mysfits' }] });
  });

  it('should reject a field RegisterTaskDefinition does not know', () => {
    expect(() => toRegisterShape({ ...base(), memorySize: '512' }, 'td.yml')).toThrow(
      /td\.yml' has field\(s\) RegisterTaskDefinition does not know: memorySize/,
    );
  });
});

describe('validation', () => {
  it('should accept every pair of the Fargate table, 8 and 16 vCPU included', () => {
    expect(fargateMemoryChoices(256)).toEqual([512, 1024, 2048]);
    expect(fargateMemoryChoices(8192)).toContain(61440);
    expect(fargateMemoryChoices(16384)).toEqual(expect.arrayContaining([32768, 40960, 122880]));
    expect(fargateMemoryChoices(16384)).not.toContain(36864);
    expect(() => validateTaskDefinition({ ...base(), cpu: '8 vCPU', memory: '60 GB' })).not.toThrow();
    expect(() => validateTaskDefinition({ ...base(), cpu: '16384', memory: '122880' })).not.toThrow();
  });

  it('should reject a cpu/memory pair Fargate does not offer, saying what is allowed', () => {
    expect(() => validateTaskDefinition({ ...base(), cpu: '256', memory: '4096' })).toThrow(
      /cpu 256 allows memory 512, 1024, 2048 MiB, found "4096"/,
    );
    expect(() => validateTaskDefinition({ ...base(), cpu: '8192', memory: '18432' })).toThrow(
      /cpu 8192 allows memory 16384 to 61440 in steps of 4096 MiB/,
    );
    expect(() => validateTaskDefinition({ ...base(), cpu: '300' })).toThrow(/cpu must be one of 256, 512/);
  });

  it('should require an essential container and sane, unique port mappings', () => {
    const bad = base();
    const [monolith, xray] = bad.containerDefinitions;
    if (!monolith || !xray) throw new Error('fixture');
    monolith.essential = false;
    monolith.portMappings = [
      { containerPort: 8080, protocol: 'tcp' },
      { containerPort: 70000, protocol: 'tcp' },
    ];
    Object.assign(xray, { portMappings: [{ containerPort: 8080, hostPort: 80 }] });
    const message = (() => {
      try {
        validateTaskDefinition(bad);
        return '';
      } catch (err) {
        return (err as Error).message;
      }
    })();
    expect(message).toContain('at least one container must be essential');
    expect(message).toContain('containerPort must be an integer 1-65535, found 70000');
    expect(message).toContain('under awsvpc hostPort must equal containerPort 8080');
    expect(message).toContain('port 8080/tcp is mapped twice (also in container monolith)');
  });
});

describe('diff against the live revision', () => {
  it('should ignore defaults ECS fills in and show real changes', () => {
    const live = { ...base(), volumes: [], placementConstraints: [] };
    expect(lineDiff(diffText(live), diffText(base()))).toBe('');
    const changed = applyImages(base(), { monolith: 'repo/monolith@sha256:new' });
    const diff = lineDiff(diffText(live), diffText(changed));
    expect(diff).toContain('-       "image": "placeholder",');
    expect(diff).toContain('+       "image": "repo/monolith@sha256:new",');
  });
});
