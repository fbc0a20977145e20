import { isObject, type JsonObject } from './json.js';
import { checkAgainstModel, describeValue } from './model-check.js';
import { FARGATE_CPU_VALUES, fargateMemoryChoices, normaliseTaskSize } from './task-size.js';

/** What {@link validateTaskDefinition} returns: the definition as it will be sent, and what was converted. */
export interface TaskDefinitionCheck {
  definition: JsonObject;
  notes: string[];
}

const CONTAINER_DOC = 'https://docs.aws.amazon.com/AmazonECS/latest/APIReference/API_ContainerDefinition.html';
const NAME = /^[A-Za-z0-9_-]{1,255}$/;

/** Memory values (MiB) of one container, as numbers or undefined. */
function containerMemory(container: JsonObject): { hard?: number; soft?: number } {
  const num = (v: unknown) => (typeof v === 'number' && v > 0 ? v : undefined);
  return { hard: num(container.memory), soft: num(container.memoryReservation) };
}

function objects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isObject) : [];
}

function checkSize(definition: JsonObject, notes: string[], problems: string[]): { cpu?: number; memory?: number } {
  const size: { cpu?: number; memory?: number } = {};
  for (const field of ['cpu', 'memory'] as const) {
    const value = definition[field];
    if (value === undefined || typeof value !== 'string') continue;
    const result = normaliseTaskSize(field, value);
    if (!result.ok) {
      problems.push(result.problem);
      continue;
    }
    if (result.value !== value) {
      notes.push(
        `${field}: ${JSON.stringify(value)} → ${JSON.stringify(result.value)} (ECS stores the converted value)`,
      );
    }
    definition[field] = result.value;
    size[field] = Number(result.value);
  }
  // "Supported values are between 128 CPU units (0.125 vCPUs) and 196608 CPU units (192 vCPUs)."
  if (size.cpu !== undefined && (size.cpu < 128 || size.cpu > 196608)) {
    problems.push(`cpu: expected 128 to 196608 CPU units (RegisterTaskDefinition), found ${size.cpu}`);
  }
  return size;
}

function checkFargate(definition: JsonObject, size: { cpu?: number; memory?: number }, problems: string[]): void {
  if (definition.networkMode !== 'awsvpc') {
    problems.push(`Fargate needs networkMode 'awsvpc', found ${describeValue(definition.networkMode ?? null)}`);
  }
  if (size.cpu === undefined || !FARGATE_CPU_VALUES.includes(size.cpu)) {
    problems.push(
      `Fargate task cpu must be one of ${FARGATE_CPU_VALUES.join(', ')} (or '1 vCPU' style), found ${describeValue(definition.cpu ?? null)}`,
    );
    return;
  }
  const choices = fargateMemoryChoices(size.cpu);
  if (size.memory === undefined || !choices.includes(size.memory)) {
    const [first, second] = choices;
    const last = choices[choices.length - 1];
    const allowed =
      choices.length <= 3 ? choices.join(', ') : `${first} to ${last} in steps of ${(second ?? 0) - (first ?? 0)}`;
    problems.push(
      `Fargate task cpu ${size.cpu} allows memory ${allowed} MiB, found ${describeValue(definition.memory ?? null)}`,
    );
  }
  for (const [index, container] of objects(definition.containerDefinitions).entries()) {
    if (typeof container.stopTimeout === 'number' && container.stopTimeout > 120) {
      problems.push(
        `containerDefinitions[${index}].stopTimeout: expected at most 120 on Fargate (${CONTAINER_DOC}), found ${container.stopTimeout}`,
      );
    }
  }
}

/** Container memory and cpu against each other and against the task's (API_ContainerDefinition). */
function checkResources(definition: JsonObject, size: { cpu?: number; memory?: number }, problems: string[]): void {
  const containers = objects(definition.containerDefinitions);
  let reserved = 0;
  let cpu = 0;
  for (const [index, container] of containers.entries()) {
    const where = `containerDefinitions[${index}] (${String(container.name)})`;
    const { hard, soft } = containerMemory(container);
    if (size.memory === undefined && hard === undefined && soft === undefined) {
      problems.push(
        `${where}: needs memory or memoryReservation, since the task sets no memory (required outside Fargate: ${CONTAINER_DOC})`,
      );
    }
    if (hard !== undefined && soft !== undefined && soft > hard) {
      problems.push(`${where}: memoryReservation ${soft} must not exceed memory ${hard}`);
    }
    if (size.memory !== undefined && hard !== undefined && hard > size.memory) {
      problems.push(`${where}: memory ${hard} MiB is more than the task's memory ${size.memory} MiB`);
    }
    reserved += soft ?? hard ?? 0;
    if (typeof container.cpu === 'number') cpu += container.cpu;
  }
  if (size.memory !== undefined && reserved > size.memory) {
    problems.push(`the containers reserve ${reserved} MiB of memory together, more than the task's ${size.memory} MiB`);
  }
  if (size.cpu !== undefined && cpu > size.cpu) {
    problems.push(`the containers reserve ${cpu} cpu units together, more than the task's ${size.cpu}`);
  }
}

/** Names that other members refer to: container names, volume names. */
function checkReferences(definition: JsonObject, problems: string[]): void {
  const containers = objects(definition.containerDefinitions);
  const names = containers.map((c) => c.name).filter((n): n is string => typeof n === 'string');
  const volumes = objects(definition.volumes)
    .map((v) => v.name)
    .filter((n): n is string => typeof n === 'string');
  const duplicates = (list: string[]) => [...new Set(list.filter((n, i) => list.indexOf(n) !== i))];
  for (const name of duplicates(names))
    problems.push(`container name '${name}' is used more than once; names must be unique`);
  for (const name of duplicates(volumes))
    problems.push(`volume name '${name}' is used more than once; names must be unique`);
  const known = (list: string[]) => (list.length > 0 ? list.join(', ') : 'none');
  for (const [index, container] of containers.entries()) {
    const where = `containerDefinitions[${index}]`;
    if (typeof container.name === 'string' && !NAME.test(container.name)) {
      problems.push(`${where}.name: expected 1-255 letters, digits, - or _, found ${JSON.stringify(container.name)}`);
    }
    for (const [i, mount] of objects(container.mountPoints).entries()) {
      if (typeof mount.sourceVolume === 'string' && !volumes.includes(mount.sourceVolume)) {
        problems.push(
          `${where}.mountPoints[${i}].sourceVolume: '${mount.sourceVolume}' is not a volume of the task (volumes: ${known(volumes)})`,
        );
      }
    }
    for (const [i, source] of objects(container.volumesFrom).entries()) {
      if (typeof source.sourceContainer === 'string' && !names.includes(source.sourceContainer)) {
        problems.push(
          `${where}.volumesFrom[${i}].sourceContainer: '${source.sourceContainer}' is not a container of the task (containers: ${known(names)})`,
        );
      }
    }
    for (const [i, dependency] of objects(container.dependsOn).entries()) {
      const target = dependency.containerName;
      if (typeof target !== 'string') continue;
      if (!names.includes(target) || target === container.name) {
        problems.push(
          `${where}.dependsOn[${i}].containerName: '${target}' is not another container of the task (containers: ${known(names)})`,
        );
      }
    }
  }
}

function checkPorts(definition: JsonObject, problems: string[]): void {
  const awsvpc = definition.networkMode === 'awsvpc';
  const taskPorts = new Map<string, string>();
  for (const container of objects(definition.containerDefinitions)) {
    const name = String(container.name);
    const ports = awsvpc ? taskPorts : new Map<string, string>();
    for (const mapping of objects(container.portMappings)) {
      if (mapping.containerPortRange !== undefined && mapping.containerPort === undefined) continue;
      const port = mapping.containerPort;
      if (typeof port !== 'number' || port < 1 || port > 65535) {
        problems.push(
          `container ${name}: containerPort must be an integer 1-65535, found ${describeValue(port ?? null)}`,
        );
        continue;
      }
      if (awsvpc && mapping.hostPort !== undefined && mapping.hostPort !== port) {
        problems.push(
          `container ${name}: under awsvpc hostPort must equal containerPort ${port} (or be left out), found ${describeValue(mapping.hostPort)}`,
        );
      }
      const key = `${port}/${String(mapping.protocol ?? 'tcp')}`;
      const owner = ports.get(key);
      if (owner !== undefined)
        problems.push(`container ${name}: port ${key} is mapped twice (also in container ${owner})`);
      else ports.set(key, name);
    }
  }
}

/**
 * Checks a task definition (RegisterTaskDefinition input) before anything is registered: against
 * the ECS API model at every depth (see {@link checkAgainstModel}), then the rules the API
 * reference states across fields: Fargate sizes and network mode, container memory and cpu
 * against the task's, names that mounts, volumesFrom and dependsOn refer to, unique names, an
 * essential container, port mappings. Task cpu/memory in units ("1 vCPU", "2 GB") are converted
 * to what ECS stores ("1024", "2048").
 * @throws Error listing every problem, each with its path and what was expected.
 */
export function validateTaskDefinition(document: JsonObject, file = 'the file'): TaskDefinitionCheck {
  const checked = checkAgainstModel(document, { shape: 'RegisterTaskDefinitionRequest' });
  const { problems, notes } = checked;
  const definition = checked.value;
  if (typeof definition.family === 'string' && !NAME.test(definition.family)) {
    problems.push(`family: expected 1-255 letters, digits, - or _, found ${JSON.stringify(definition.family)}`);
  }
  const containers = objects(definition.containerDefinitions);
  if (Array.isArray(definition.containerDefinitions) && definition.containerDefinitions.length === 0) {
    problems.push('containerDefinitions: expected at least one container, found none');
  }
  for (const [index, container] of containers.entries()) {
    if (typeof container.image !== 'string' || container.image === '') {
      problems.push(
        `containerDefinitions[${index}].image: missing; set it in the file or through the render action's 'images' input`,
      );
    }
    if (container.name === undefined) problems.push(`containerDefinitions[${index}].name: missing`);
  }
  if (containers.length > 0 && !containers.some((c) => c.essential !== false)) {
    problems.push('at least one container must be essential (essential: true or left out), found none');
  }
  const size = checkSize(definition, notes, problems);
  const compatibilities = Array.isArray(definition.requiresCompatibilities) ? definition.requiresCompatibilities : [];
  if (compatibilities.includes('FARGATE')) checkFargate(definition, size, problems);
  checkResources(definition, size, problems);
  checkReferences(definition, problems);
  checkPorts(definition, problems);
  if (problems.length > 0) {
    throw new Error(
      `${file} is not a valid task definition (${problems.length} problem(s)):\n${problems.map((p) => `  - ${p}`).join('\n')}\n` +
        'Fix the file: each line names the member and what RegisterTaskDefinition expects there.',
    );
  }
  return { definition, notes };
}
