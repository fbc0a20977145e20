// The act run's `docker`: there is no Docker engine here. It does the one thing the workflows ask
// of the CLI, promoting an image by digest (`docker buildx imagetools create --tag <dst> <src>@<digest>`),
// by copying the manifest inside moto's ECR (BatchGetImage, PutImage), and fails on anything else.
const { awsJson, parseImageReference } = await import(`${process.env.ACT_STAND_INS}/lib/aws-json.mjs`);
const args = process.argv.slice(2);
const fail = (message) => {
  process.stderr.write(`docker (act stand-in): ${message}\n`);
  process.exit(2);
};
if (args.slice(0, 3).join(' ') !== 'buildx imagetools create') {
  fail(
    `unsupported command 'docker ${args.join(' ')}': only 'docker buildx imagetools create --tag <dst> <src>@<digest>' is modelled`,
  );
}
const tags = [];
const sources = [];
for (let i = 3; i < args.length; i += 1) {
  const arg = args[i];
  if (arg === '--tag' || arg === '-t') tags.push(args[++i] ?? '');
  else if (arg.startsWith('--tag=')) tags.push(arg.slice(6));
  else if (arg.startsWith('-')) fail(`unsupported option ${arg} of imagetools create`);
  else sources.push(arg);
}
if (tags.length === 0 || sources.length !== 1)
  fail(`expected --tag <dst> and one source <repository>@sha256:<digest>, found ${args.slice(3).join(' ')}`);
try {
  const source = parseImageReference(sources[0]);
  if (!source.digest) fail(`expected the source by digest (<repository>@sha256:…), found ${sources[0]}`);
  const got = await awsJson('ecr', 'BatchGetImage', {
    registryId: source.registryId,
    repositoryName: source.repositoryName,
    imageIds: [{ imageDigest: source.digest }],
  });
  const image = got.images?.[0];
  if (!image) fail(`${sources[0]} not found: ${JSON.stringify(got.failures ?? [])}`);
  for (const tag of tags) {
    const target = parseImageReference(tag);
    if (!target.tag || target.digest) fail(`expected the destination as <repository>:<tag>, found ${tag}`);
    try {
      await awsJson('ecr', 'PutImage', {
        registryId: target.registryId,
        repositoryName: target.repositoryName,
        imageTag: target.tag,
        imageManifest: image.imageManifest,
        imageManifestMediaType: image.imageManifestMediaType,
      });
    } catch (error) {
      // Re-running a promotion of the same digest to the same immutable tag is a no-op.
      if (error.type !== 'ImageAlreadyExistsException') throw error;
    }
    process.stdout.write(`${tag} → ${source.digest}\n`);
  }
} catch (error) {
  fail(error instanceof Error ? error.message : String(error));
}
