import { readFileSync } from 'node:fs';

/** Parses a GITHUB_OUTPUT file (`name<<delimiter` blocks) into a record; a later value wins. */
export function readStepOutputs(path: string): Record<string, string> {
  const outputs: Record<string, string> = {};
  const pattern = /^(.+?)<<(ghadelimiter_[^\n]+)\n([\s\S]*?)\n\2$/gm;
  for (const match of readFileSync(path, 'utf8').matchAll(pattern)) outputs[match[1] ?? ''] = match[3] ?? '';
  return outputs;
}
