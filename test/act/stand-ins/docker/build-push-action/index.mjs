// No Docker engine in the act run: this checks what a build would need (the Dockerfile, every
// COPY source of the build context after ARG substitution, every build argument declared) and,
// with push: true, records an image manifest in moto's ECR under every tag. The layer digest is a
// hash of the COPY sources (other than `COPY . .`), the build arguments and the platforms, so an
// unchanged service gets the same digest and two services differ.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';

const { input, setOutput, standIn } = await import(`${process.env.ACT_STAND_INS}/lib/action.mjs`);
const { awsJson, parseImageReference } = await import(`${process.env.ACT_STAND_INS}/lib/aws-json.mjs`);

const lines = (text) =>
  text
    .split(/[\n,]/)
    .map((line) => line.trim())
    .filter(Boolean);

function instructions(dockerfile) {
  const joined = dockerfile.replace(/\\\r?\n/g, ' ');
  return joined
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'))
    .map((line) => {
      const [keyword, ...rest] = line.split(/\s+/);
      return { keyword: keyword.toUpperCase(), args: rest.join(' ') };
    });
}

function substitute(text, values, where) {
  return text.replace(/\$\{(\w+)\}|\$(\w+)/g, (_, braced, bare) => {
    const name = braced ?? bare;
    if (values[name] === undefined || values[name] === '') {
      throw new Error(`${where} uses \${${name}}, which no build-arg sets and no ARG defaults`);
    }
    return values[name];
  });
}

function hashTree(path, hash, root) {
  const stat = statSync(path);
  if (stat.isDirectory()) {
    for (const name of readdirSync(path).sort()) hashTree(join(path, name), hash, root);
  } else {
    hash.update(`${relative(root, path)}\0`);
    hash.update(readFileSync(path));
  }
}

await standIn('docker/build-push-action', async () => {
  const workspace = process.env.GITHUB_WORKSPACE ?? '.';
  const context = resolve(workspace, input('context') || '.');
  const file = input('file') ? resolve(workspace, input('file')) : join(context, 'Dockerfile');
  if (!existsSync(context)) throw new Error(`the build context ${input('context')} does not exist`);
  if (!existsSync(file)) throw new Error(`the Dockerfile ${relative(workspace, file)} does not exist`);
  const buildArgs = Object.fromEntries(
    input('build-args')
      .split('\n')
      .map((line) => line.trim())
      .filter(Boolean)
      .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
  );
  const declared = new Set();
  const values = {};
  const hash = createHash('sha256');
  const checked = [];
  for (const { keyword, args } of instructions(readFileSync(file, 'utf8'))) {
    if (keyword === 'FROM') {
      // Each stage starts without the previous stage's ARG values (only declared names carry over).
      for (const name of Object.keys(values)) delete values[name];
    } else if (keyword === 'ARG') {
      const [name, fallback] = args.split('=');
      declared.add(name);
      values[name] = buildArgs[name] ?? fallback;
    } else if (keyword === 'COPY' || keyword === 'ADD') {
      const tokens = args.startsWith('[') ? JSON.parse(args) : args.split(/\s+/);
      if (tokens.some((token) => token.startsWith('--from='))) continue;
      const sources = tokens.filter((token) => !token.startsWith('--')).slice(0, -1);
      for (const source of sources) {
        const path = substitute(source, values, `${keyword} ${args}`);
        const full = resolve(context, path);
        if (!existsSync(full)) {
          throw new Error(
            `${keyword} ${args}: ${path} does not exist in the build context ${relative(workspace, context) || '.'}`,
          );
        }
        checked.push(path);
        if (path !== '.') hashTree(full, hash, context);
      }
    }
  }
  const undeclared = Object.keys(buildArgs).filter((name) => !declared.has(name));
  if (undeclared.length > 0)
    throw new Error(`build-args ${undeclared.join(', ')} not declared by an ARG in ${relative(workspace, file)}`);
  hash.update(JSON.stringify({ buildArgs, platforms: input('platforms') }));
  const layer = `sha256:${hash.digest('hex')}`;
  console.log(
    `Checked ${relative(workspace, file)}: COPY sources ${checked.join(', ')} exist (act stand-in: nothing built)`,
  );
  const configDigest = `sha256:${createHash('sha256').update(`config ${layer}`).digest('hex')}`;
  const manifest = JSON.stringify({
    schemaVersion: 2,
    mediaType: 'application/vnd.docker.distribution.manifest.v2+json',
    config: { mediaType: 'application/vnd.docker.container.image.v1+json', size: 1024, digest: configDigest },
    layers: [{ mediaType: 'application/vnd.docker.image.rootfs.diff.tar.gzip', size: 1024, digest: layer }],
  });
  const tags = lines(input('tags'));
  // ECR's digest of this manifest, as moto computes it (one layer: sha256 of its digest).
  let digest = `sha256:${createHash('sha256').update(layer).digest('hex')}`;
  if (input('push') === 'true') {
    if (tags.length === 0) throw new Error('push: true needs at least one tag');
    for (const tag of tags) {
      const target = parseImageReference(tag);
      if (!target.tag) throw new Error(`expected <repository>:<tag>, found ${tag}`);
      try {
        const put = await awsJson('ecr', 'PutImage', {
          registryId: target.registryId,
          repositoryName: target.repositoryName,
          imageTag: target.tag,
          imageManifest: manifest,
        });
        digest = put.image.imageId.imageDigest;
      } catch (error) {
        if (error.type !== 'ImageAlreadyExistsException') throw error;
      }
      console.log(`Pushed ${tag}@${digest}`);
    }
  }
  setOutput('digest', digest);
  setOutput('imageid', configDigest);
  setOutput('metadata', JSON.stringify({ 'containerimage.digest': digest, 'image.name': tags.join(',') }));
});
