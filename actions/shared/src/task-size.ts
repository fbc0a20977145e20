/**
 * Task-level cpu and memory as ECS stores them. RegisterTaskDefinition (API reference, `cpu` and
 * `memory`) accepts CPU units ("1024") or vCPUs ("1 vCPU", "1 vcpu"), and MiB ("1024") or GB
 * ("1GB", "1 GB"), and converts the unit forms to the integer on registration: a revision always
 * reads back "1024", never "1 vCPU". Normalising before a diff keeps "1 vCPU" from looking like a
 * change on every run; sending the integer leaves ECS nothing to convert.
 */

/** Memory (MiB) allowed for each Fargate task cpu (units), from the RegisterTaskDefinition reference. */
const FARGATE_SIZES: ReadonlyArray<{ cpu: number; from: number; to: number; step: number }> = [
  { cpu: 256, from: 512, to: 2048, step: 512 },
  { cpu: 512, from: 1024, to: 4096, step: 1024 },
  { cpu: 1024, from: 2048, to: 8192, step: 1024 },
  { cpu: 2048, from: 4096, to: 16384, step: 1024 },
  { cpu: 4096, from: 8192, to: 30720, step: 1024 },
  { cpu: 8192, from: 16384, to: 61440, step: 4096 },
  { cpu: 16384, from: 32768, to: 122880, step: 8192 },
];

/** The cpu values (units) Fargate offers. */
export const FARGATE_CPU_VALUES: readonly number[] = FARGATE_SIZES.map((s) => s.cpu);

/** Memory values allowed with a Fargate cpu value (units); empty for a cpu Fargate does not offer. */
export function fargateMemoryChoices(cpu: number): number[] {
  const size = FARGATE_SIZES.find((s) => s.cpu === cpu);
  if (!size) return [];
  // 256 cpu is the one irregular row: 512, 1024, 2048.
  if (size.cpu === 256) return [512, 1024, 2048];
  const choices: number[] = [];
  for (let mib = size.from; mib <= size.to; mib += size.step) choices.push(mib);
  return choices;
}

/** What {@link normaliseTaskSize} made of one value. */
export type SizeResult = { ok: true; value: string } | { ok: false; problem: string };

const UNIT_FORMS = {
  cpu: { unit: /^vcpu$/i, name: 'vCPU', plain: 'CPU units (1024)', example: "'1 vCPU' or '0.25 vCPU'" },
  memory: { unit: /^gb$/i, name: 'GB', plain: 'MiB (2048)', example: "'2 GB' or '0.5 GB'" },
} as const;

/**
 * `1024` or `"1024"` stays `"1024"`; `"1 vCPU"` → `"1024"`, `"0.5 GB"` → `"512"`. Only the unit
 * forms ECS documents are converted (vCPU for cpu, GB for memory); others ("512 MiB", "2 GiB")
 * are refused, since ECS would refuse them too.
 */
export function normaliseTaskSize(field: 'cpu' | 'memory', value: unknown): SizeResult {
  const form = UNIT_FORMS[field];
  const text = String(value).trim();
  const expected = `expected ${form.plain} or ${form.name} (${form.example})`;
  if (/^\d+$/.test(text)) return { ok: true, value: String(Number(text)) };
  const match = /^(\d*\.?\d+)\s*([a-z]+)$/i.exec(text);
  if (!match) return { ok: false, problem: `${field}: ${expected}, found ${JSON.stringify(value)}` };
  const amount = Number(match[1]);
  const unit = match[2] ?? '';
  if (!form.unit.test(unit)) {
    return {
      ok: false,
      problem: `${field}: ${expected}, found ${JSON.stringify(value)}; ECS converts only ${form.name}, so write ${form.plain.split(' ')[0]} as a plain number`,
    };
  }
  const converted = amount * 1024;
  if (!Number.isInteger(converted)) {
    return {
      ok: false,
      problem: `${field}: ${JSON.stringify(value)} is ${converted} ${form.plain.split(' (')[0]}, not a whole number`,
    };
  }
  return { ok: true, value: String(converted) };
}
