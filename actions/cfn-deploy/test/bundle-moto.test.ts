import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { CreateBucketCommand, GetObjectCommand, ListObjectsV2Command, S3Client } from '@aws-sdk/client-s3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type MotoServer, startMoto } from '../../../test/support/moto.js';
import { runBundle } from '../../shared/test/support/action-step.js';

const networkTemplate = fileURLToPath(new URL('../../../cloudformation/network.yml', import.meta.url));
let moto: MotoServer;

beforeAll(async () => {
  moto = await startMoto();
});
afterAll(async () => {
  await moto?.stop();
});

describe('cfn-deploy bundle against moto', () => {
  it('should create the network stack with CreateStack, then update it through a change set', async () => {
    const inputs = { 'stack-name': 'e2e-network', template: networkTemplate, parameters: 'EnvironmentName=e2e' };

    const created = await runBundle({ action: 'cfn-deploy', inputs, env: moto.env });
    expect(created.code, created.log).toBe(0);
    expect(created.outputs.status).toBe('CREATE_COMPLETE');
    expect(created.outputs['has-changes']).toBe('true');
    expect(created.outputs.VpcId).toMatch(/^vpc-/);
    expect(JSON.parse(created.outputs.outputs ?? '{}')).toMatchObject({ VpcId: created.outputs.VpcId });
    expect(created.outputs['stack-id']).toContain(':stack/e2e-network/');
    expect(created.summary).toContain('cfn-deploy: e2e-network');
    expect(created.summary).toContain('<td>VpcId</td>');

    const updated = await runBundle({
      action: 'cfn-deploy',
      inputs: { ...inputs, parameters: 'EnvironmentName=e2e\nPublicSubnet2Cidr=10.0.2.0/24', tags: 'app=mysfits' },
      env: moto.env,
    });
    expect(updated.code, updated.log).toBe(0);
    expect(updated.outputs.status).toBe('UPDATE_COMPLETE');
    expect(updated.outputs['has-changes']).toBe('true');
    expect(updated.outputs.VpcId).toBe(created.outputs.VpcId);

    const cfn = new CloudFormationClient({
      endpoint: moto.endpoint,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    const stack = (await cfn.send(new DescribeStacksCommand({ StackName: 'e2e-network' }))).Stacks?.[0];
    expect(stack?.Parameters).toContainEqual({ ParameterKey: 'PublicSubnet2Cidr', ParameterValue: '10.0.2.0/24' });

    // moto reverts an unnamed parameter to its template default, as CloudFormation does without UsePreviousValue.
    const thirdInputs = { ...inputs, parameters: 'EnvironmentName=e2e\nPublicSubnet1Cidr=10.0.5.0/24' };
    const third = await runBundle({ action: 'cfn-deploy', inputs: thirdInputs, env: moto.env });
    expect(third.code, third.log).toBe(0);
    expect(third.log).toContain('Keeping the values e2e-network already has for');
    const kept = (await cfn.send(new DescribeStacksCommand({ StackName: 'e2e-network' }))).Stacks?.[0];
    expect(kept?.Parameters).toContainEqual({ ParameterKey: 'PublicSubnet1Cidr', ParameterValue: '10.0.5.0/24' });
    expect(kept?.Parameters).toContainEqual({ ParameterKey: 'PublicSubnet2Cidr', ParameterValue: '10.0.2.0/24' });

    // The same inputs again: with every parameter at its previous value moto refuses the change set.
    const rerun = await runBundle({ action: 'cfn-deploy', inputs: thirdInputs, env: moto.env });
    expect(rerun.code, rerun.log).toBe(0);
    expect(rerun.outputs.VpcId).toBe(created.outputs.VpcId);
  });

  it('should fail the step with the template error for a missing template file', async () => {
    const run = await runBundle({
      action: 'cfn-deploy',
      inputs: { 'stack-name': 'e2e-missing', template: '/nonexistent/template.yml' },
      env: moto.env,
    });
    expect(run.code).toBe(1);
    expect(run.log).toContain("::error::expected a template file at '/nonexistent/template.yml'");
  });

  it('should deploy a template above the inline limit through the bucket it is given, and update it the same way', async () => {
    const s3 = new S3Client({
      endpoint: moto.endpoint,
      forcePathStyle: true,
      region: 'us-east-1',
      credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
    });
    await s3.send(new CreateBucketCommand({ Bucket: 'e2e-templates' }));
    // network.yml padded past 51,200 bytes with a comment: the same resources, too large to send inline.
    const large = join(mkdtempSync(join(tmpdir(), 'cfn-large-')), 'network.yml');
    writeFileSync(large, `${readFileSync(networkTemplate, 'utf8')}\n# ${'padding '.repeat(6_000)}\n`);
    const inputs = { 'stack-name': 'e2e-large', template: large, parameters: 'EnvironmentName=large' };

    const inline = await runBundle({ action: 'cfn-deploy', inputs, env: moto.env });
    expect(inline.code).toBe(1);
    expect(inline.log).toMatch(/is 5\d,\d{3} bytes; CloudFormation accepts at most 51,200 bytes inline/);
    expect(inline.log).toContain("Set the 'template-bucket' input");

    const withBucket = { ...inputs, 'template-bucket': 'e2e-templates' };
    const created = await runBundle({ action: 'cfn-deploy', inputs: withBucket, env: moto.env });
    expect(created.code, created.log).toBe(0);
    expect(created.outputs.status).toBe('CREATE_COMPLETE');
    expect(created.outputs.VpcId).toMatch(/^vpc-/);
    // moto's CloudFormation reads a TemplateURL from its own S3 backend (the bucket is the host's
    // first label): nothing resolves or fetches the amazonaws.com name.
    expect(created.log).toMatch(
      /CloudFormation reads https:\/\/e2e-templates\.s3\.us-east-1\.amazonaws\.com\/cfn-deploy\/e2e-large\/[0-9a-f]{64}\.yml/,
    );

    const rerun = await runBundle({ action: 'cfn-deploy', inputs: withBucket, env: moto.env });
    expect(rerun.code, rerun.log).toBe(0);
    expect(rerun.outputs.VpcId).toBe(created.outputs.VpcId);
    // The update path: GetTemplateSummary and CreateChangeSet read the same object by its URL.
    expect(rerun.log).toContain('::group::Compute the change set');
    const listed = await s3.send(
      new ListObjectsV2Command({ Bucket: 'e2e-templates', Prefix: 'cfn-deploy/e2e-large/' }),
    );
    expect(listed.Contents?.map((object) => object.Key)).toHaveLength(1);
    const stored = await s3.send(new GetObjectCommand({ Bucket: 'e2e-templates', Key: listed.Contents?.[0]?.Key }));
    expect(await stored.Body?.transformToString()).toBe(readFileSync(large, 'utf8'));
  });
});
