import { canonical } from '../../shared/src/canonical.js';
import { isObject } from '../../shared/src/json.js';

/**
 * Drops container values ECS fills in when they are left out (cpu 0, essential true, protocol tcp,
 * hostPort = containerPort), so a live revision compares equal to the file it was registered from.
 */
export function withoutDefaults(definition: unknown): unknown {
  if (!isObject(definition) || !Array.isArray(definition.containerDefinitions)) return definition;
  const containers = definition.containerDefinitions.map((container: unknown) => {
    if (!isObject(container)) return container;
    const copy = { ...container };
    if (copy.cpu === 0) delete copy.cpu;
    if (copy.essential === true) delete copy.essential;
    if (Array.isArray(copy.portMappings)) {
      copy.portMappings = copy.portMappings.map((mapping: unknown) => {
        if (!isObject(mapping)) return mapping;
        const m = { ...mapping };
        if (m.protocol === 'tcp') delete m.protocol;
        if (m.hostPort === m.containerPort) delete m.hostPort;
        return m;
      });
    }
    return copy;
  });
  return { ...definition, containerDefinitions: containers };
}

const MAX_LINES = 3_000;

/**
 * A unified-style line diff (`-` old, `+` new, 2 lines of context, `…` between hunks).
 * Returns '' when the texts are equal.
 */
export function lineDiff(before: string, after: string, context = 2): string {
  const a = before.split('\n');
  const b = after.split('\n');
  if (before === after) return '';
  if (a.length > MAX_LINES || b.length > MAX_LINES) return `(too large to diff: ${a.length} → ${b.length} lines)`;
  // Longest common subsequence table, filled from the end so the walk below goes forward.
  const lcs: Uint16Array[] = Array.from({ length: a.length + 1 }, () => new Uint16Array(b.length + 1));
  for (let i = a.length - 1; i >= 0; i -= 1) {
    const row = lcs[i] as Uint16Array;
    const next = lcs[i + 1] as Uint16Array;
    for (let j = b.length - 1; j >= 0; j -= 1) {
      row[j] = a[i] === b[j] ? (next[j + 1] ?? 0) + 1 : Math.max(next[j] ?? 0, row[j + 1] ?? 0);
    }
  }
  const ops: Array<{ mark: ' ' | '-' | '+'; line: string }> = [];
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    if (i < a.length && j < b.length && a[i] === b[j]) {
      ops.push({ mark: ' ', line: a[i] ?? '' });
      i += 1;
      j += 1;
    } else if (j < b.length && (i >= a.length || (lcs[i]?.[j + 1] ?? 0) >= (lcs[i + 1]?.[j] ?? 0))) {
      ops.push({ mark: '+', line: b[j] ?? '' });
      j += 1;
    } else {
      ops.push({ mark: '-', line: a[i] ?? '' });
      i += 1;
    }
  }
  const keep = ops.map((_op, index) =>
    ops.slice(Math.max(0, index - context), index + context + 1).some((near) => near.mark !== ' '),
  );
  const out: string[] = [];
  ops.forEach((op, index) => {
    if (keep[index]) out.push(`${op.mark} ${op.line}`);
    else if (keep[index - 1]) out.push('…');
  });
  return out.join('\n');
}

/** Pretty JSON of the canonical form, the text both sides of a diff are compared in. */
export function diffText(definition: unknown): string {
  return JSON.stringify(canonical(withoutDefaults(definition)) ?? {}, null, 2);
}
