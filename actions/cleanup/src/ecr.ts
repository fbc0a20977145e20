import * as core from '@actions/core';
import { BatchDeleteImageCommand } from '@aws-sdk/client-ecr';
import type { CleanupContext } from './context.js';

/** Deletes every image of the repositories (BatchDeleteImage, 100 per call) so their stack can delete them. */
export async function deleteImages(ctx: CleanupContext, images: Record<string, string[]>): Promise<void> {
  for (const [repositoryName, digests] of Object.entries(images)) {
    const failures: string[] = [];
    for (let i = 0; i < digests.length; i += 100) {
      const imageIds = digests.slice(i, i + 100).map((imageDigest) => ({ imageDigest }));
      const result = await ctx.ecr.send(new BatchDeleteImageCommand({ repositoryName, imageIds }));
      for (const f of result.failures ?? []) {
        // An image already gone (a concurrent run, a lifecycle policy) is what we wanted.
        if (f.failureCode !== 'ImageNotFound') failures.push(`${f.imageId?.imageDigest}: ${f.failureReason}`);
      }
    }
    if (failures.length > 0) throw new Error(`Could not delete images of ${repositoryName}:\n${failures.join('\n')}`);
    core.info(`Deleted ${digests.length} image(s) from ${repositoryName}.`);
  }
}
