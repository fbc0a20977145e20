import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import * as core from '@actions/core';
import { errorMessage } from '../../shared/src/index.js';

/** TemplateBody's documented maximum (CreateStack, CreateChangeSet, GetTemplateSummary). */
export const MAX_INLINE_TEMPLATE_BYTES = 51_200;
/** CloudFormation's quota for a template it reads from S3 (TemplateURL): 1 MB. */
export const MAX_S3_TEMPLATE_BYTES = 1_048_576;

/** How a request names the template: inline, or where CloudFormation fetches it from S3. */
export type TemplateSource = { TemplateBody: string } | { TemplateURL: string };

/** What {@link prepareTemplate} needs: the template file, the stack, and the bucket (if any). */
export interface TemplateOptions {
  /** The `template` input (a file path). */
  path: string;
  stackName: string;
  /** The `template-bucket` input; undefined sends the template inline. */
  bucket: string | undefined;
  region: string;
}

const byteCount = (bytes: number): string => bytes.toLocaleString('en-US');

/**
 * The object key of a template: the stack name and a SHA-256 of the content, so the same template
 * for the same stack always lands on the same key (a rerun overwrites it with identical bytes) and a
 * changed one never replaces the object a running operation may still read.
 */
export function templateObjectKey(stackName: string, body: string, path: string): string {
  const hash = createHash('sha256').update(body).digest('hex');
  const extension = extname(path).toLowerCase();
  return `cfn-deploy/${stackName}/${hash}${/^\.[a-z0-9]{1,10}$/.test(extension) ? extension : ''}`;
}

/**
 * The TemplateURL of an object: virtual-hosted style on the bucket's regional endpoint,
 * `https://<bucket>.s3.<region>.amazonaws.com/<key>` (`.amazonaws.com.cn` in the China regions).
 */
export function templateUrl(bucket: string, region: string, key: string): string {
  const suffix = region.startsWith('cn-') ? 'amazonaws.com.cn' : 'amazonaws.com';
  const path = key.split('/').map(encodeURIComponent).join('/');
  return `https://${bucket}.s3.${region}.${suffix}/${path}`;
}

/**
 * Reads the template and says how to send it: inline when no bucket is given (and it fits
 * TemplateBody's 51,200 bytes), else uploaded to `s3://<bucket>/<key>` (PutObject) and named by URL.
 * @throws Error naming the file, its size, the limit and the `template-bucket` input when it cannot be sent.
 */
export async function prepareTemplate(options: TemplateOptions): Promise<TemplateSource> {
  const body = await readFile(options.path, 'utf8').catch((err: Error) => {
    throw new Error(`expected a template file at '${options.path}', but it could not be read (${err.message})`);
  });
  const bytes = Buffer.byteLength(body);
  if (options.bucket === undefined) {
    if (bytes <= MAX_INLINE_TEMPLATE_BYTES) return { TemplateBody: body };
    throw new Error(
      `Template ${options.path} is ${byteCount(bytes)} bytes; CloudFormation accepts at most ` +
        `${byteCount(MAX_INLINE_TEMPLATE_BYTES)} bytes inline (TemplateBody). Set the 'template-bucket' input to an ` +
        `S3 bucket in ${options.region} so cfn-deploy uploads it and passes a TemplateURL (up to ` +
        `${byteCount(MAX_S3_TEMPLATE_BYTES)} bytes), or split the template into smaller stacks.`,
    );
  }
  if (bytes > MAX_S3_TEMPLATE_BYTES) {
    throw new Error(
      `Template ${options.path} is ${byteCount(bytes)} bytes; CloudFormation reads at most ` +
        `${byteCount(MAX_S3_TEMPLATE_BYTES)} bytes from S3 (TemplateURL). Split it into smaller stacks.`,
    );
  }
  const key = templateObjectKey(options.stackName, body, options.path);
  // Loaded only when a bucket is given: the S3 client is a third of what cfn-deploy would load at start.
  const { uploadTemplate } = await import('./template-upload.js');
  try {
    await uploadTemplate({ bucket: options.bucket, key, body, region: options.region });
  } catch (err) {
    throw new Error(
      `Uploading template ${options.path} to s3://${options.bucket}/${key} failed: ${errorMessage(err)}. ` +
        `Expected a bucket in ${options.region} that the step's role may s3:PutObject and s3:GetObject in ` +
        `(input 'template-bucket').`,
    );
  }
  const url = templateUrl(options.bucket, options.region, key);
  core.info(
    `Uploaded ${options.path} (${byteCount(bytes)} bytes) to s3://${options.bucket}/${key}; CloudFormation reads ${url}`,
  );
  return { TemplateURL: url };
}
