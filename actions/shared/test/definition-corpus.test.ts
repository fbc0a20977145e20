import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { canonical } from '../src/canonical.js';
import { readDocument } from '../src/document.js';
import type { JsonObject } from '../src/json.js';
import { substitutePlaceholders } from '../src/placeholders.js';
import { validateServiceDefinition } from '../src/service-definition-rules.js';
import { toRegisterShape } from '../src/task-definition-fields.js';
import { validateTaskDefinition } from '../src/task-definition-rules.js';

const corpusDir = fileURLToPath(new URL('./fixtures/corpus/', import.meta.url));
const repoFile = (path: string) => fileURLToPath(new URL(`../../../${path}`, import.meta.url));
const FROM_INPUTS = ['cluster', 'serviceName', 'taskDefinition'];

const isService = (file: string) => /service/.test(file);
const corpus = readdirSync(corpusDir).filter((name) => name.endsWith('.json'));

/** The repository's own definitions with every placeholder filled in as a deploy would. */
async function ownDefinition(path: string): Promise<JsonObject> {
  const document = await readDocument(repoFile(path), 'definition');
  const values = new Map<string, string>();
  JSON.stringify(document).replace(/\$\{[^}]+\}/g, (text) => {
    values.set(text, text.includes('AssignPublicIp') ? 'DISABLED' : `filled-${values.size}`);
    return text;
  });
  return substitutePlaceholders(document, values);
}

const checkTask = (document: JsonObject, file = 'probe') =>
  validateTaskDefinition(toRegisterShape(document).definition, file);
const checkService = (document: JsonObject, file = 'probe') =>
  validateServiceDefinition(document, { file, provided: FROM_INPUTS });

describe('corpus of real definitions', () => {
  it('should hold task and service definitions, each listed in SOURCES.md', async () => {
    const sources = await import('node:fs').then((fs) => fs.readFileSync(`${corpusDir}/SOURCES.md`, 'utf8'));
    expect(corpus.length).toBeGreaterThanOrEqual(8);
    for (const file of corpus) expect(sources, file).toContain(`\`${file}\``);
  });

  for (const file of corpus) {
    it(`should accept ${file} without changing what it means`, async () => {
      const document = await readDocument(`${corpusDir}/${file}`, 'definition');
      const { definition } = isService(file) ? checkService(document, file) : checkTask(document, file);
      // Nulls and empty lists mean "unset" to ECS; anything else must come out as it went in.
      expect(canonical(definition)).toEqual(canonical(document));
    });
  }

  for (const service of ['monolith', 'like']) {
    it(`should accept this repository's own ${service} task and service definitions`, async () => {
      const task = await ownDefinition(`services/${service}/deploy/task-definition.yml`);
      task.family = `dev-${service}`;
      expect(checkTask(task).definition.containerDefinitions).toHaveLength(
        (task.containerDefinitions as unknown[]).length,
      );
      const definition = await ownDefinition(`services/${service}/deploy/service.yml`);
      expect(checkService(definition).definition).toEqual(definition);
    });
  }
});

type Mutation = (d: JsonObject & { containerDefinitions: JsonObject[] }) => void;
interface Probe {
  rule: string;
  base: string;
  change: Mutation;
  message: string;
}

const TASK_PROBES: Probe[] = [
  {
    rule: 'container memory above a Fargate task memory',
    base: 'aws-samples-nginx-fargate.json',
    change: (d) => Object.assign(d.containerDefinitions[0] ?? {}, { memory: 1024 }),
    message: "containerDefinitions[0] (nginx): memory 1024 MiB is more than the task's memory 512 MiB",
  },
  {
    rule: 'tags as a map',
    base: 'aws-samples-nginx-fargate.json',
    change: (d) => Object.assign(d, { tags: { team: 'web' } }),
    message: 'tags: expected a list of {key, value} entries, not a map: write [{ "key": "team", "value": "web" }]',
  },
  {
    rule: 'a mount of a volume that does not exist',
    base: 'aws-samples-nginx-fargate.json',
    change: (d) =>
      Object.assign(d.containerDefinitions[0] ?? {}, { mountPoints: [{ sourceVolume: 'data', containerPath: '/d' }] }),
    message: "containerDefinitions[0].mountPoints[0].sourceVolume: 'data' is not a volume of the task (volumes: none)",
  },
  {
    rule: 'dependsOn a container that does not exist',
    base: 'ecspresso-ci-task-def.json',
    change: (d) =>
      Object.assign(d.containerDefinitions[1] ?? {}, { dependsOn: [{ containerName: 'ngnix', condition: 'START' }] }),
    message:
      "containerDefinitions[1].dependsOn[0].containerName: 'ngnix' is not another container of the task (containers: nginx, bash)",
  },
  {
    rule: 'duplicate container names',
    base: 'ecspresso-ci-task-def.json',
    change: (d) => Object.assign(d.containerDefinitions[1] ?? {}, { name: 'nginx' }),
    message: "container name 'nginx' is used more than once",
  },
  {
    rule: 'an EC2 definition with no memory anywhere',
    base: 'api-reference-register-sleep360.json',
    change: (d) => delete d.containerDefinitions[0]?.memory,
    message: 'containerDefinitions[0] (sleep): needs memory or memoryReservation, since the task sets no memory',
  },
  {
    rule: 'ephemeralStorage out of range',
    base: 'ecspresso-ci-task-def.json',
    change: (d) => Object.assign(d, { ephemeralStorage: { sizeInGiB: 10 } }),
    message:
      'ephemeralStorage.sizeInGiB: expected 21 to 200 (https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_EphemeralStorage.html), found 10',
  },
  {
    rule: 'restartPolicy.restartAttemptPeriod out of range',
    base: 'aws-samples-nginx-fargate.json',
    change: (d) =>
      Object.assign(d.containerDefinitions[0] ?? {}, { restartPolicy: { enabled: true, restartAttemptPeriod: 30 } }),
    message: 'containerDefinitions[0].restartPolicy.restartAttemptPeriod: expected 60 to 1800',
  },
  {
    rule: 'a number as text that is not a number',
    base: 'aws-samples-nginx-fargate.json',
    change: (d) => Object.assign(d.containerDefinitions[0] ?? {}, { memory: '256MB' }),
    message: 'containerDefinitions[0].memory: expected an integer, found "256MB"',
  },
  {
    rule: 'a misspelt nested member (enviroment)',
    base: 'aws-samples-consul-server.json',
    change: (d) => {
      const [container] = d.containerDefinitions;
      if (!container) return;
      container.enviroment = container.environment;
      delete container.environment;
    },
    message: 'containerDefinitions[0].enviroment: unknown member; did you mean environment?',
  },
  {
    rule: 'a misspelt nested member (portMapping)',
    base: 'aws-samples-nginx-fargate.json',
    change: (d) => Object.assign(d.containerDefinitions[0] ?? {}, { portMapping: [{ containerPort: 81 }] }),
    message: 'containerDefinitions[0].portMapping: unknown member; did you mean portMappings?',
  },
  {
    rule: 'a task size in a unit ECS does not convert',
    base: 'aws-samples-nginx-fargate.json',
    change: (d) => Object.assign(d, { memory: '512 MiB' }),
    message: 'memory: expected MiB (2048) or GB',
  },
  {
    rule: 'an enumeration value in the wrong case',
    base: 'aws-samples-consul-server.json',
    change: (d) => Object.assign(d, { networkMode: 'HOST' }),
    message: 'networkMode: expected one of bridge, host, awsvpc, none, found "HOST"; did you mean host?',
  },
  {
    rule: 'a health check interval out of range',
    base: 'aws-samples-nginx-fargate.json',
    change: (d) =>
      Object.assign(d.containerDefinitions[0] ?? {}, { healthCheck: { command: ['CMD', 'true'], interval: 1 } }),
    message: 'containerDefinitions[0].healthCheck.interval: expected 5 to 300',
  },
];

const SERVICE_PROBES: Probe[] = [
  {
    rule: 'launchType with capacityProviderStrategy',
    base: 'ecspresso-ci-service-def.json',
    change: (d) => Object.assign(d, { launchType: 'FARGATE' }),
    message: 'launchType and capacityProviderStrategy: give one or the other, not both',
  },
  {
    rule: 'DAEMON on Fargate',
    base: 'ecspresso-ci-service-def.json',
    change: (d) => Object.assign(d, { schedulingStrategy: 'DAEMON' }),
    message: 'schedulingStrategy: DAEMON is not supported on Fargate',
  },
  {
    rule: 'an empty launchType',
    base: 'api-reference-create-service-elb.json',
    change: (d) => Object.assign(d, { launchType: '' }),
    message: 'launchType: expected one of EC2, FARGATE, EXTERNAL, MANAGED_INSTANCES, found ""',
  },
  {
    rule: 'a misspelt nested member (awsvpcConfiguration.subnet)',
    base: 'ecspresso-ci-service-def.json',
    change: (d) => Object.assign(d, { networkConfiguration: { awsvpcConfiguration: { subnet: ['subnet-1'] } } }),
    message: 'networkConfiguration.awsvpcConfiguration.subnet: unknown member; did you mean subnets?',
  },
  {
    rule: 'a base on two capacity providers',
    base: 'ecspresso-ci-service-def.json',
    change: (d) =>
      Object.assign(d, {
        capacityProviderStrategy: [
          { capacityProvider: 'FARGATE', base: 1 },
          { capacityProvider: 'FARGATE_SPOT', base: 1 },
        ],
      }),
    message: 'capacityProviderStrategy: only one capacity provider may have a base, found FARGATE, FARGATE_SPOT',
  },
  {
    rule: 'a count as text that is not a number',
    base: 'api-reference-create-service-elb.json',
    change: (d) => Object.assign(d, { desiredCount: 'ten' }),
    message: 'desiredCount: expected an integer, found "ten"',
  },
];

describe('probes: each rule turns a valid corpus definition invalid', () => {
  for (const probe of [...TASK_PROBES, ...SERVICE_PROBES]) {
    it(`should reject ${probe.rule}`, async () => {
      const document = (await readDocument(`${corpusDir}/${probe.base}`, 'definition')) as Parameters<Mutation>[0];
      const check = isService(probe.base) ? checkService : checkTask;
      expect(() => check(document)).not.toThrow();
      probe.change(document);
      expect(() => check(document)).toThrow(probe.message);
    });
  }
});

describe('conversions to the API types', () => {
  it('should convert task cpu and memory in units to what ECS stores, and numbers to text', () => {
    const base: JsonObject = {
      family: 'units',
      networkMode: 'awsvpc',
      requiresCompatibilities: ['FARGATE'],
      containerDefinitions: [{ name: 'web', image: 'nginx', memory: '512', essential: 'true' }],
    };
    const cases: Array<[unknown, unknown, string, string]> = [
      ['1 vCPU', '2 GB', '1024', '2048'],
      ['0.25 vcpu', '0.5GB', '256', '512'],
      [1024, 2048, '1024', '2048'],
      ['.5 vCPU', '1 gb', '512', '1024'],
    ];
    for (const [cpu, memory, wantCpu, wantMemory] of cases) {
      const { definition, notes } = validateTaskDefinition({ ...base, cpu, memory });
      expect(definition).toMatchObject({ cpu: wantCpu, memory: wantMemory });
      expect(definition.containerDefinitions).toEqual([{ name: 'web', image: 'nginx', memory: 512, essential: true }]);
      expect(notes).toContain('containerDefinitions[0].memory: "512" → 512 (the API wants a number)');
    }
  });

  it('should refuse a size that is not a whole number of units', () => {
    expect(() =>
      validateTaskDefinition({
        family: 'x',
        cpu: '0.3 vCPU',
        memory: '1 GB',
        containerDefinitions: [{ name: 'a', image: 'b' }],
      }),
    ).toThrow('cpu: "0.3 vCPU" is 307.2 CPU units, not a whole number');
  });

  it('should turn YAML booleans and numbers in a string map into text', () => {
    const { definition } = validateTaskDefinition({
      family: 'logs',
      memory: '512',
      containerDefinitions: [
        {
          name: 'a',
          image: 'b',
          logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-create-group': true, 'max-buffer-size': 4 } },
        },
      ],
    });
    expect(definition.containerDefinitions).toEqual([
      {
        name: 'a',
        image: 'b',
        logConfiguration: { logDriver: 'awslogs', options: { 'awslogs-create-group': 'true', 'max-buffer-size': '4' } },
      },
    ]);
  });
});
