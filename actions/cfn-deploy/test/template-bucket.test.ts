// Templates above the 51,200-byte inline limit go through S3. Shapes from the AWS API references:
// S3 PutObject (Bucket, Key, Body; the reply carries an ETag), CloudFormation CreateStack /
// CreateChangeSet / GetTemplateSummary ("TemplateURL: The URL of a file containing the template
// body. The URL must point to a template (max size: 1 MB) that's located in an Amazon S3 bucket";
// TemplateBody and TemplateURL are mutually exclusive, and TemplateBody has a maximum length of
// 51,200 bytes). moto runs the same path end to end in bundle-moto.test.ts.
import { createHash } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { CreateChangeSetCommand, CreateStackCommand, GetTemplateSummaryCommand } from '@aws-sdk/client-cloudformation';
import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { run } from '../src/main.js';
import { MAX_INLINE_TEMPLATE_BYTES, templateObjectKey, templateUrl } from '../src/template.js';
import {
  event,
  MODIFY_VPC,
  STACK_ID,
  scriptChangeSet,
  scriptEvents,
  scriptStacks,
  stack,
  useScriptedCloudFormation,
} from './support/cfn-fixtures.js';

const { cfn, step } = useScriptedCloudFormation();
const s3 = mockClient(S3Client);

/** A valid template just above the inline limit (a long Description pads it). */
function largeTemplate(): string {
  const body = `Description: ${'x'.repeat(MAX_INLINE_TEMPLATE_BYTES)}\nResources:\n  Queue:\n    Type: AWS::SQS::Queue\n`;
  const path = `${step.dir}/large.yml`;
  writeFileSync(path, body);
  return path;
}

const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

beforeEach(() => {
  s3.reset();
  s3.on(PutObjectCommand).resolves({ ETag: '"0123456789abcdef0123456789abcdef"' });
});

describe('cfn-deploy template-bucket', () => {
  it('should upload a large template under its stack and hash, and create the stack from its regional URL', async () => {
    const template = largeTemplate();
    step.start({ 'stack-name': 'dev-network', template, 'template-bucket': 'mysfits-templates' });
    scriptStacks(cfn, [undefined, stack('CREATE_COMPLETE')]);
    cfn.on(CreateStackCommand).resolves({ StackId: STACK_ID });
    scriptEvents(cfn, [[event('dev-network', 'CREATE_COMPLETE')]]);

    await step.run(run);

    expect(process.exitCode, step.log()).toBeUndefined();
    const put = s3.commandCalls(PutObjectCommand)[0]?.args[0].input;
    const body = String(put?.Body);
    expect(put).toMatchObject({ Bucket: 'mysfits-templates', Key: `cfn-deploy/dev-network/${sha256(body)}.yml` });
    expect(body.length).toBeGreaterThan(MAX_INLINE_TEMPLATE_BYTES);
    const create = cfn.commandCalls(CreateStackCommand)[0]?.args[0].input;
    expect(create?.TemplateURL).toBe(
      `https://mysfits-templates.s3.eu-west-1.amazonaws.com/cfn-deploy/dev-network/${sha256(body)}.yml`,
    );
    expect(create).not.toHaveProperty('TemplateBody');
    expect(step.log()).toContain('to s3://mysfits-templates/cfn-deploy/dev-network/');
  });

  it('should name the uploaded template by URL in the change set and in GetTemplateSummary of an update', async () => {
    step.start({ 'stack-name': 'dev-network', 'template-bucket': 'mysfits-templates' });
    scriptStacks(cfn, [stack('CREATE_COMPLETE'), stack('UPDATE_IN_PROGRESS'), stack('UPDATE_COMPLETE')]);
    scriptChangeSet(cfn, { changes: [MODIFY_VPC] });
    scriptEvents(cfn, [[event('dev-network', 'UPDATE_COMPLETE')]]);

    await step.run(run);

    expect(process.exitCode, step.log()).toBeUndefined();
    const key = s3.commandCalls(PutObjectCommand)[0]?.args[0].input.Key;
    const url = `https://mysfits-templates.s3.eu-west-1.amazonaws.com/${key}`;
    expect(cfn.commandCalls(GetTemplateSummaryCommand)[0]?.args[0].input).toEqual({ TemplateURL: url });
    const changeSet = cfn.commandCalls(CreateChangeSetCommand)[0]?.args[0].input;
    expect(changeSet?.TemplateURL).toBe(url);
    expect(changeSet).not.toHaveProperty('TemplateBody');
  });

  it('should fail a template above the inline limit without a bucket, naming the limit, the size and the input', async () => {
    const template = largeTemplate();
    step.start({ 'stack-name': 'dev-network', template });

    await step.run(run);

    expect(process.exitCode).toBe(1);
    expect(step.log()).toMatch(
      /Template .*large\.yml is 51,2\d\d bytes; CloudFormation accepts at most 51,200 bytes inline/,
    );
    expect(step.log()).toContain("Set the 'template-bucket' input to an S3 bucket in eu-west-1");
    expect(s3.calls()).toHaveLength(0);
    expect(cfn.commandCalls(CreateStackCommand)).toHaveLength(0);
  });

  it('should fail the step with the bucket, the key and the permissions when the upload is refused', async () => {
    s3.on(PutObjectCommand).rejects(Object.assign(new Error('Access Denied'), { name: 'AccessDenied' }));
    step.start({ 'stack-name': 'dev-network', 'template-bucket': 'mysfits-templates' });
    scriptStacks(cfn, [undefined]);

    await step.run(run);

    expect(process.exitCode).toBe(1);
    expect(step.log()).toMatch(
      /Uploading template .* to s3:\/\/mysfits-templates\/cfn-deploy\/dev-network\/[0-9a-f]{64}\.yml failed: Access Denied/,
    );
    expect(step.log()).toContain('s3:PutObject and s3:GetObject');
    expect(cfn.commandCalls(CreateStackCommand)).toHaveLength(0);
  });

  it('should reject a bucket name S3 does not allow before any call', async () => {
    step.start({ 'stack-name': 'dev-network', 'template-bucket': 'My_Bucket' });

    await step.run(run);

    expect(process.exitCode).toBe(1);
    expect(step.log()).toContain("Input 'template-bucket': expected an S3 bucket name");
    expect(step.log()).toContain("found 'My_Bucket'");
    expect(s3.calls()).toHaveLength(0);
  });

  it('should derive the same key for the same template and stack, and a new one when either changes', () => {
    const key = templateObjectKey('dev-platform', 'Resources: {}\n', 'cloudformation/platform.yml');
    expect(key).toMatch(/^cfn-deploy\/dev-platform\/[0-9a-f]{64}\.yml$/);
    expect(templateObjectKey('dev-platform', 'Resources: {}\n', 'other/platform.yml')).toBe(key);
    expect(templateObjectKey('dev-platform', 'Resources: {} \n', 'cloudformation/platform.yml')).not.toBe(key);
    expect(templateObjectKey('prod-platform', 'Resources: {}\n', 'cloudformation/platform.yml')).not.toBe(key);
  });

  it("should use the bucket's regional endpoint, with the China partition's suffix in cn- regions", () => {
    expect(templateUrl('b', 'us-east-1', 'cfn-deploy/s/h.yml')).toBe(
      'https://b.s3.us-east-1.amazonaws.com/cfn-deploy/s/h.yml',
    );
    expect(templateUrl('b', 'cn-north-1', 'k')).toBe('https://b.s3.cn-north-1.amazonaws.com.cn/k');
  });
});
