import { describe, expect, it } from 'vitest';
import { applyImages } from '../src/containers.js';

// Issue 11, bug 3: `images: like=` (a build that produced nothing) kept the file's placeholder
// image and only logged "like: image ", so a broken build deployed a tag that does not exist.
const definition = () => ({
  family: 'staging-like',
  containerDefinitions: [
    { name: 'like', image: '123456789012.dkr.ecr.us-east-1.amazonaws.com/staging/like:replaced-by-digest' },
    { name: 'xray', image: 'amazon/aws-xray-daemon' },
  ],
});

describe('an empty image', () => {
  it('should fail naming the container (the service) whose image is empty', () => {
    expect(() => applyImages(definition(), { like: '' })).toThrow(
      /the 'images' input gives container like an empty image/,
    );
  });

  it('should fail for whitespace only, and name every empty container', () => {
    expect(() => applyImages(definition(), { like: ' ', xray: '' })).toThrow(/containers? like, xray/);
  });

  it('should still set a non-empty image', () => {
    const result = applyImages(definition(), { like: 'repo/like@sha256:abc' });
    expect((result.containerDefinitions as Array<{ image: string }>)[0]?.image).toBe('repo/like@sha256:abc');
  });
});
