// deploy/steps.ts as the workflows run it (plain `node`, AWS through the environment), against moto.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { CloudFormationClient, CreateStackCommand } from '@aws-sdk/client-cloudformation';
import { CreateRepositoryCommand, ECRClient, PutImageCommand } from '@aws-sdk/client-ecr';
import {
  CreateClusterCommand,
  CreateServiceCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
} from '@aws-sdk/client-ecs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoServer, startMoto } from '../support/moto.js';

const script = fileURLToPath(new URL('../../deploy/steps.ts', import.meta.url));
const run = promisify(execFile);
let moto: MotoServer;

async function steps(...args: string[]): Promise<{ code: number; out: Record<string, string>; stderr: string }> {
  try {
    const { stdout, stderr } = await run(process.execPath, [script, ...args], {
      env: { PATH: process.env.PATH ?? '', ...moto.env },
      timeout: 30_000,
    });
    const out = Object.fromEntries(
      stdout
        .trim()
        .split('\n')
        .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
    );
    return { code: 0, out, stderr };
  } catch (error) {
    const failed = error as { code?: number; stderr?: string };
    return { code: failed.code ?? 1, out: {}, stderr: failed.stderr ?? '' };
  }
}

beforeAll(async () => {
  moto = await startMoto();
  const client = { endpoint: moto.endpoint, region: 'us-east-1' };
  const ecr = new ECRClient(client);
  await ecr.send(new CreateRepositoryCommand({ repositoryName: 'staging/like' }));
  const manifest = JSON.stringify({ schemaVersion: 2, mediaType: 'application/vnd.oci.image.manifest.v1+json' });
  await ecr.send(new PutImageCommand({ repositoryName: 'staging/like', imageTag: 'src-abc', imageManifest: manifest }));
  const ecs = new ECSClient(client);
  await ecs.send(new CreateClusterCommand({ clusterName: 'staging-cluster' }));
  const { taskDefinition } = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: 'staging-like',
      containerDefinitions: [{ name: 'like', image: 'like', memory: 512 }],
    }),
  );
  const arn = 'arn:aws:elasticloadbalancing:us-east-1:123456789012:targetgroup/staging-like-blue/0123456789abcdef';
  for (const [serviceName, loadBalancers] of [
    ['like', [{ targetGroupArn: arn, containerName: 'like', containerPort: 8080 }]],
    ['worker', []],
  ] as const) {
    await ecs.send(
      new CreateServiceCommand({
        cluster: 'staging-cluster',
        serviceName,
        taskDefinition: taskDefinition?.taskDefinitionArn,
        desiredCount: 0,
        loadBalancers: [...loadBalancers],
      }),
    );
  }
  await new CloudFormationClient(client).send(
    new CreateStackCommand({
      StackName: 'staging-platform',
      TemplateBody: JSON.stringify({
        Resources: { Handle: { Type: 'AWS::CloudFormation::WaitConditionHandle' } },
        Outputs: { PublicUrl: { Value: 'http://staging-alb-1.us-east-1.elb.amazonaws.com' } },
      }),
    }),
  );
});

afterAll(async () => {
  await moto?.stop();
});

describe('node deploy/steps.ts', () => {
  it('should print the image of a tag by digest, and nothing for a tag that is not there', async () => {
    const found = await steps('image', '--repository', 'staging/like', '--tag', 'src-abc');
    expect(found.code, found.stderr).toBe(0);
    expect(found.out.digest).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(found.out.image).toBe(`123456789012.dkr.ecr.us-east-1.amazonaws.com/staging/like@${found.out.digest}`);
    const absent = await steps('image', '--repository', 'staging/like', '--tag', 'src-none');
    expect(absent).toMatchObject({ code: 0, out: { image: '', digest: '' } });
  });

  it('should fail naming the image when it is required, or when its digest is not the expected one', async () => {
    const missing = await steps('image', '--repository', 'staging/like', '--tag', 'src-none', '--require');
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain('expected image staging/like:src-none, found none');
    const other = await steps(
      'image',
      '--repository',
      'staging/like',
      '--tag',
      'src-abc',
      '--expect-digest',
      'sha256:0',
    );
    expect(other.code).toBe(1);
    expect(other.stderr).toMatch(/expected staging\/like:src-abc to be sha256:0, found sha256:/);
  });

  it('should print the production target group of a service, empty for one without a load balancer', async () => {
    const like = await steps('target-group', '--cluster', 'staging-cluster', '--service', 'like');
    expect(like.out.arn).toMatch(/:targetgroup\/staging-like-blue\//);
    const worker = await steps('target-group', '--cluster', 'staging-cluster', '--service', 'worker');
    expect(worker).toMatchObject({ code: 0, out: { arn: '' } });
  });

  it('should fail for a service the cluster does not have instead of printing None', async () => {
    const result = await steps('target-group', '--cluster', 'staging-cluster', '--service', 'gone');
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('expected ECS service gone in cluster staging-cluster');
  });

  it("should print the platform stack's PublicUrl, and fail naming the stack when it has none", async () => {
    const url = await steps('public-url', '--stack', 'staging-platform');
    expect(url.out['public-url']).toBe('http://staging-alb-1.us-east-1.elb.amazonaws.com');
    const none = await steps('public-url', '--stack', 'production-platform');
    expect(none.code).toBe(1);
  });

  it('should refuse an unknown command or a missing option, naming what it expected', async () => {
    expect((await steps('targets')).stderr).toContain('expected image, target-group or public-url');
    expect((await steps('image', '--tag', 'x')).stderr).toContain('expected --repository <value>');
  });
});
