import { isObject, type JsonObject } from '../../shared/src/json.js';
import { containerDefinitions } from './containers.js';

/** Memory (MiB) allowed for each Fargate task cpu (units), from the AWS task-size table. */
const FARGATE_SIZES: ReadonlyArray<{ cpu: number; from: number; to: number; step: number }> = [
  { cpu: 256, from: 512, to: 2048, step: 512 },
  { cpu: 512, from: 1024, to: 4096, step: 1024 },
  { cpu: 1024, from: 2048, to: 8192, step: 1024 },
  { cpu: 2048, from: 4096, to: 16384, step: 1024 },
  { cpu: 4096, from: 8192, to: 30720, step: 1024 },
  { cpu: 8192, from: 16384, to: 61440, step: 4096 },
  { cpu: 16384, from: 32768, to: 122880, step: 8192 },
];

/** Memory values allowed with a Fargate cpu value (units); empty for a cpu Fargate does not offer. */
export function fargateMemoryChoices(cpu: number): number[] {
  const size = FARGATE_SIZES.find((s) => s.cpu === cpu);
  if (!size) return [];
  const choices: number[] = [];
  // 256 cpu is the one irregular row: 512, 1024, 2048.
  if (size.cpu === 256) return [512, 1024, 2048];
  for (let mib = size.from; mib <= size.to; mib += size.step) choices.push(mib);
  return choices;
}

/** `1024`, `1 vCPU`, `.25 vcpu` → cpu units; `2048`, `2 GB` → MiB. NaN when unreadable. */
export function parseSize(value: unknown, unit: 'vcpu' | 'gb'): number {
  const match = /^\s*(\d*\.?\d+)\s*([a-z]*)\s*$/i.exec(String(value ?? ''));
  if (!match) return Number.NaN;
  const amount = Number(match[1]);
  const suffix = (match[2] ?? '').toLowerCase();
  if (suffix === '') return amount;
  return suffix === unit ? Math.round(amount * 1024) : Number.NaN;
}

function checkFargate(definition: JsonObject, problems: string[]): void {
  const compat = definition.requiresCompatibilities;
  if (!Array.isArray(compat) || !compat.includes('FARGATE')) return;
  if (definition.networkMode !== 'awsvpc') {
    problems.push(`Fargate needs networkMode 'awsvpc', found ${JSON.stringify(definition.networkMode ?? null)}`);
  }
  const cpu = parseSize(definition.cpu, 'vcpu');
  const memory = parseSize(definition.memory, 'gb');
  const sizes = FARGATE_SIZES.map((s) => s.cpu).join(', ');
  if (Number.isNaN(cpu) || !FARGATE_SIZES.some((s) => s.cpu === cpu)) {
    problems.push(
      `Fargate task cpu must be one of ${sizes} (or '1 vCPU' style), found ${JSON.stringify(definition.cpu ?? null)}`,
    );
    return;
  }
  const choices = fargateMemoryChoices(cpu);
  if (Number.isNaN(memory) || !choices.includes(memory)) {
    const first = choices[0];
    const last = choices[choices.length - 1];
    problems.push(
      `Fargate task cpu ${cpu} allows memory ${choices.length <= 3 ? choices.join(', ') : `${first} to ${last} in steps of ${(choices[1] ?? 0) - (first ?? 0)}`} MiB, found ${JSON.stringify(definition.memory ?? null)}`,
    );
  }
}

function checkPorts(definition: JsonObject, containers: JsonObject[], problems: string[]): void {
  const awsvpc = definition.networkMode === 'awsvpc';
  const taskPorts = new Map<string, string>();
  for (const container of containers) {
    const name = String(container.name);
    const ports = awsvpc ? taskPorts : new Map<string, string>();
    const mappings = container.portMappings;
    if (mappings === undefined) continue;
    if (!Array.isArray(mappings)) {
      problems.push(`container ${name}: portMappings must be a list, found ${JSON.stringify(mappings)}`);
      continue;
    }
    for (const mapping of mappings) {
      if (!isObject(mapping)) {
        problems.push(`container ${name}: each port mapping must be an object, found ${JSON.stringify(mapping)}`);
        continue;
      }
      if (mapping.containerPortRange !== undefined && mapping.containerPort === undefined) continue;
      const port = mapping.containerPort;
      if (typeof port !== 'number' || !Number.isInteger(port) || port < 1 || port > 65535) {
        problems.push(
          `container ${name}: containerPort must be an integer 1-65535, found ${JSON.stringify(port ?? null)}`,
        );
        continue;
      }
      if (awsvpc && mapping.hostPort !== undefined && mapping.hostPort !== port) {
        problems.push(
          `container ${name}: under awsvpc hostPort must equal containerPort ${port} (or be left out), found ${JSON.stringify(mapping.hostPort)}`,
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
 * Checks what RegisterTaskDefinition or the first deployment would otherwise reject late:
 * Fargate cpu/memory pairs, at least one essential container, sane and unique port mappings.
 * @throws Error listing every problem found, with what was expected.
 */
export function validateTaskDefinition(definition: JsonObject): void {
  const problems: string[] = [];
  if (typeof definition.family !== 'string' || !/^[A-Za-z0-9_-]{1,255}$/.test(definition.family)) {
    problems.push(`family must be 1-255 letters, digits, - or _, found ${JSON.stringify(definition.family ?? null)}`);
  }
  const containers = containerDefinitions(definition);
  for (const container of containers) {
    if (typeof container.image !== 'string' || container.image === '') {
      problems.push(
        `container ${String(container.name)}: image is missing; set it in the file or through the 'images' input`,
      );
    }
  }
  if (!containers.some((c) => c.essential !== false)) {
    problems.push('at least one container must be essential (essential: true or left out), found none');
  }
  checkFargate(definition, problems);
  checkPorts(definition, containers, problems);
  if (problems.length > 0) {
    throw new Error(`the rendered task definition is not valid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}
