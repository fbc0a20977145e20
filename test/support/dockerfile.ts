import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The last stage of a Dockerfile: what the running image is made of. */
export interface RuntimeStage {
  from: string;
  workdir: string;
  user: string | undefined;
  env: Record<string, string>;
  copies: { from: string | undefined; source: string; dest: string }[];
  cmd: string[];
}

/**
 * Reads the last stage of a Dockerfile (FROM, WORKDIR, USER, ENV, COPY, CMD), with the stage's
 * `ARG`s in COPY paths replaced by `buildArgs` (as `docker build --build-arg` does).
 * @throws Error when a COPY path uses an ARG that `buildArgs` does not give.
 */
export function parseRuntimeStage(dockerfile: string, buildArgs: Record<string, string> = {}): RuntimeStage {
  const lines = dockerfile
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line && !line.startsWith('#'));
  const lastFrom = lines.map((line) => line.startsWith('FROM ')).lastIndexOf(true);
  const stage: RuntimeStage = { from: '', workdir: '/', user: undefined, env: {}, copies: [], cmd: [] };
  for (const line of lines.slice(lastFrom)) {
    const [instruction = '', ...rest] = line.split(/\s+/);
    const args = rest.join(' ');
    if (instruction === 'FROM') stage.from = rest[0] ?? '';
    if (instruction === 'WORKDIR') stage.workdir = args;
    if (instruction === 'USER') stage.user = args;
    if (instruction === 'CMD') stage.cmd = JSON.parse(args) as string[];
    if (instruction === 'ENV')
      for (const pair of rest) stage.env[pair.split('=')[0] ?? ''] = pair.split('=').slice(1).join('=');
    if (instruction === 'COPY') {
      const from = rest.find((word) => word.startsWith('--from='))?.slice('--from='.length);
      const paths = rest
        .filter((word) => !word.startsWith('--'))
        .map((path) =>
          path.replace(/\$\{?([A-Z_][A-Z0-9_]*)\}?/g, (_whole, name: string) => {
            const value = buildArgs[name];
            if (value === undefined) throw new Error(`Expected a value for the build argument ${name} (${line}).`);
            return value;
          }),
        );
      stage.copies.push({ from, source: paths[0] ?? '', dest: paths[1] ?? '' });
    }
  }
  return stage;
}

/** The one Dockerfile every service's image is built from (`--build-arg SERVICE=<name>`). */
export const serviceDockerfile = fileURLToPath(new URL('../../services/Dockerfile', import.meta.url));

/** The runtime stage of a service's image, as `docker build --build-arg SERVICE=<service>` makes it. */
export function serviceRuntimeStage(service: string): RuntimeStage {
  return parseRuntimeStage(readFileSync(serviceDockerfile, 'utf8'), { SERVICE: service });
}
