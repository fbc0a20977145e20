import { describe, expect, it } from 'vitest';
import { toRegisterShape } from '../../shared/src/task-definition-fields.js';
import { validateTaskDefinition } from '../../shared/src/task-definition-rules.js';
import { fargateMemoryChoices } from '../../shared/src/task-size.js';
import { applyImages, mergeNamedValues, toNamedValues } from '../src/containers.js';
import { diffText, lineDiff } from '../src/diff.js';

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
    const { definition, removed } = toRegisterShape(described);
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

  it('should reject a field RegisterTaskDefinition does not know, naming the one it likely meant', () => {
    const { definition } = toRegisterShape({ ...base(), memorySize: '512' });
    expect(() => validateTaskDefinition(definition, 'td.yml')).toThrow(
      'memorySize: unknown member; did you mean memory?',
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
