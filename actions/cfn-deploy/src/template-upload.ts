import { PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { awsClientConfig } from '../../shared/src/index.js';

/** Where a template goes: `s3://<bucket>/<key>` in `region`. */
export interface TemplateUpload {
  bucket: string;
  key: string;
  body: string;
  region: string;
}

/**
 * PutObject of the template. CloudFormation then reads it with the caller's credentials
 * (s3:GetObject), so the role that runs the step needs both on the object.
 */
export async function uploadTemplate(upload: TemplateUpload): Promise<void> {
  const s3 = new S3Client(awsClientConfig({ region: upload.region }));
  try {
    await s3.send(
      new PutObjectCommand({ Bucket: upload.bucket, Key: upload.key, Body: upload.body, ContentType: 'text/plain' }),
    );
  } finally {
    s3.destroy();
  }
}
