/** Parsers for the string forms action inputs arrive in. Each throws an Error that names what it expected. */

const TRUE_WORDS = new Set(['true', 'yes', 'on', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'off', '0']);

/**
 * Parses a boolean input. Accepts true/false, yes/no, on/off and 1/0 in any case.
 * @throws Error naming the accepted words when the value is none of them.
 */
export function parseBoolean(value: string): boolean {
  const word = value.trim().toLowerCase();
  if (TRUE_WORDS.has(word)) return true;
  if (FALSE_WORDS.has(word)) return false;
  throw new Error(`expected true or false, found '${value}'`);
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 };

/**
 * Parses a duration such as `30m`, `900s`, `1h30m`, `250ms`; a bare number means seconds.
 * @returns the duration in milliseconds (always > 0).
 * @throws Error when the text is not a positive duration.
 */
export function parseDuration(value: string): number {
  const text = value.trim().toLowerCase();
  if (/^\d+$/.test(text) && Number(text) > 0) return Number(text) * 1_000;
  const parts = [...text.matchAll(/(\d+(?:\.\d+)?)(ms|h|m|s)/g)];
  const consumed = parts.map((part) => part[0]).join('');
  const total = parts.reduce((sum, part) => sum + Number(part[1]) * (DURATION_UNITS[part[2] ?? 's'] ?? 0), 0);
  if (parts.length === 0 || consumed !== text || total <= 0) {
    throw new Error(`expected a positive duration such as 30m, 900s or 1h30m, found '${value}'`);
  }
  return Math.round(total);
}

/**
 * Formats milliseconds for humans: `1h2m`, `4m05s`, `12s`, `250ms`.
 */
export function formatDuration(ms: number): string {
  if (ms < 1_000) return `${Math.max(0, Math.round(ms))}ms`;
  const seconds = Math.round(ms / 1_000);
  const h = Math.floor(seconds / 3_600);
  const m = Math.floor((seconds % 3_600) / 60);
  const s = seconds % 60;
  if (h > 0) return `${h}h${m > 0 ? `${m}m` : ''}`;
  if (m > 0) return `${m}m${String(s).padStart(2, '0')}s`;
  return `${s}s`;
}

/**
 * Parses `Key=Value` lines into an object, in line order. Only the first `=` separates key from
 * value, so values may contain `=` and commas (`Subnets=subnet-a,subnet-b`, `Query=a=b`).
 * Blank lines and lines starting with `#` are skipped; keys and values are trimmed.
 * @throws Error naming the line when it has no `=`, an empty key, or repeats a key.
 */
export function parseKeyValueLines(text: string): Record<string, string> {
  const result: Record<string, string> = {};
  const lines = text.split(/\r?\n/);
  lines.forEach((raw, index) => {
    const line = raw.trim();
    if (line === '' || line.startsWith('#')) return;
    const at = line.indexOf('=');
    const key = at > 0 ? line.slice(0, at).trim() : '';
    if (key === '') throw new Error(`expected Key=Value on line ${index + 1}, found '${line}'`);
    if (Object.hasOwn(result, key)) throw new Error(`key '${key}' is given twice (line ${index + 1}); keep one`);
    result[key] = line.slice(at + 1).trim();
  });
  return result;
}

/**
 * Parses a list given one item per line or comma separated (`a, b` or `a\nb`). Empty items are dropped.
 */
export function parseList(text: string): string[] {
  return text
    .split(/[\r\n,]+/)
    .map((item) => item.trim())
    .filter((item) => item !== '' && !item.startsWith('#'));
}
