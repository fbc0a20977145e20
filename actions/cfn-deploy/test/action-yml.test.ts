import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const actionYml = parse(readFileSync(new URL('../action.yml', import.meta.url), 'utf8')) as {
  inputs: Record<string, { description: string; default?: string }>;
};

describe('cfn-deploy action.yml', () => {
  it('should default tags, termination-protection and reset-parameters to empty (leave the stack as it is)', () => {
    for (const name of ['tags', 'termination-protection', 'reset-parameters']) {
      expect(actionYml.inputs[name]?.default, name).toBe('');
      expect(actionYml.inputs[name]?.description, name).toMatch(/[Ee]mpty|template defaults/);
    }
  });
});
