// biome-ignore-all lint/suspicious/noTemplateCurlyInString: these tests are about the ${...} placeholder syntax
import { describe, expect, it } from 'vitest';
import { resolvePlaceholders } from '../src/placeholders.js';

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
