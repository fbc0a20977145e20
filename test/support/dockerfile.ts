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

/** Reads the last stage of a Dockerfile (FROM, WORKDIR, USER, ENV, COPY, CMD). */
export function parseRuntimeStage(dockerfile: string): RuntimeStage {
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
      const paths = rest.filter((word) => !word.startsWith('--'));
      stage.copies.push({ from, source: paths[0] ?? '', dest: paths[1] ?? '' });
    }
  }
  return stage;
}

/** The runtime stage of a service's Dockerfile in this repository. */
export function serviceRuntimeStage(service: 'monolith' | 'like'): RuntimeStage {
  const file = fileURLToPath(new URL(`../../services/${service}/Dockerfile`, import.meta.url));
  return parseRuntimeStage(readFileSync(file, 'utf8'));
}
