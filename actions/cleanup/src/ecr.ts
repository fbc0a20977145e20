import * as core from '@actions/core';
import { BatchDeleteImageCommand, type BatchDeleteImageCommandOutput, type ImageIdentifier } from '@aws-sdk/client-ecr';
import type { CleanupContext } from './context.js';

/** Deletes every image of the repositories (BatchDeleteImage, 100 per call) so their stack can delete them. */
export async function deleteImages(ctx: CleanupContext, images: Record<string, string[]>): Promise<void> {
  for (const [repositoryName, digests] of Object.entries(images)) {
    const gone = await deleteRepositoryImages(ctx, repositoryName, digests);
    core.info(
      gone
        ? `Repository ${repositoryName} is already gone.`
        : `Deleted ${digests.length} image(s) from ${repositoryName}.`,
    );
  }
}

/** Returns true when the repository was deleted since discovery (its images with it). */
async function deleteRepositoryImages(
  ctx: CleanupContext,
  repositoryName: string,
  digests: string[],
): Promise<boolean> {
  const failures: string[] = [];
  for (let i = 0; i < digests.length; i += 100) {
    const imageIds = digests.slice(i, i + 100).map((imageDigest) => ({ imageDigest }));
    const result = await deleteBatch(ctx, repositoryName, imageIds);
    if (!result) return true;
    for (const f of result.failures ?? []) {
      // An image already gone (a concurrent run, a lifecycle policy) is what we wanted.
      if (f.failureCode !== 'ImageNotFound') failures.push(`${f.imageId?.imageDigest}: ${f.failureReason}`);
    }
  }
  if (failures.length > 0) throw new Error(`Could not delete images of ${repositoryName}:\n${failures.join('\n')}`);
  return false;
}

/** One BatchDeleteImage, or undefined when the repository was deleted since discovery (its images with it). */
async function deleteBatch(
  ctx: CleanupContext,
  repositoryName: string,
  imageIds: ImageIdentifier[],
): Promise<BatchDeleteImageCommandOutput | undefined> {
  try {
    return await ctx.ecr.send(new BatchDeleteImageCommand({ repositoryName, imageIds }));
  } catch (err) {
    if (err instanceof Error && err.name === 'RepositoryNotFoundException') return undefined;
    throw err;
  }
}
