// What each environment's per-service job (a "leg" of .github/workflows/environment.yml) does on
// one run, and the tag its image carries. Plain Node 24 (types stripped), like pipeline.ts.
//
// Images are tagged by what they are built from, not by the commit: `src-<hash>` over the blobs of
// every file the Dockerfile reads for that service (each workspace manifest, the lockfile, the
// build script, the kit, the service's src/, the Dockerfile itself) and the platforms it is built
// for. So a re-run, or a later commit that did not touch the service, finds the image it already
// has; and production can promote exactly the image staging verified for a given commit.

import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import type { ChangePlan } from './pipeline.ts';

/** One leg of an environment's services job. */
export interface Leg {
  service: string;
  /** Deploy the service's stack (service.yml) first. */
  stack: boolean;
  /** Build (the first environment) or promote (the later ones) the image, then deploy it. */
  deploy: boolean;
  /** Run the service's seed command with the new revision before the deploy. */
  seed: boolean;
  /** Deploy the service's scaling stack after the deploy. */
  scaling: boolean;
  /** The image tag of this commit's build of the service (see above). */
  'image-tag': string;
  /** `docker buildx --platform` list: every architecture an environment runs it on. */
  platforms: string;
}

/** Whether a path is read by services/Dockerfile when it builds `service`. */
export function isImageInput(path: string, service: string): boolean {
  return (
    path === 'package.json' ||
    path.endsWith('/package.json') ||
    path === 'package-lock.json' ||
    path === 'scripts/build.mjs' ||
    path === 'services/Dockerfile' ||
    path === '.dockerignore' ||
    path.startsWith('services/kit/src/') ||
    path.startsWith(`services/${service}/src/`)
  );
}

/**
 * The image tag of `service` at `commit`: `src-` and 24 hex digits of a SHA-256 over the paths
 * and blob ids of its image inputs (git ls-tree) and its platforms.
 */
export function imageTag(options: { service: string; platforms: string; commit?: string; cwd: string }): string {
  const tree = execFileSync('git', ['ls-tree', '-r', '--full-tree', options.commit ?? 'HEAD'], {
    cwd: options.cwd,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  const hash = createHash('sha256');
  hash.update(`service ${options.service}\nplatforms ${options.platforms}\n`);
  for (const line of tree.split('\n')) {
    // "<mode> <type> <object>\t<path>"
    const tab = line.indexOf('\t');
    if (tab < 0) continue;
    const path = line.slice(tab + 1);
    if (isImageInput(path, options.service)) hash.update(`${line}\n`);
  }
  return `src-${hash.digest('hex').slice(0, 24)}`;
}

/**
 * The legs of one run, in config order: every service that has something to do. The plan is the
 * same in every environment, so production does what staging did, with staging's images.
 */
export function planLegs(options: {
  plan: ChangePlan;
  services: string[];
  platforms: Record<string, string[]>;
  tagOf: (service: string, platforms: string) => string;
}): Leg[] {
  const { plan } = options;
  return options.services
    .filter((service) => plan.infra || plan.services.includes(service) || plan.scaling.includes(service))
    .map((service) => {
      const platforms = (options.platforms[service] ?? []).join(',');
      return {
        service,
        stack: plan.infra,
        deploy: plan.services.includes(service),
        seed: plan.seed.includes(service),
        scaling: plan.scaling.includes(service),
        'image-tag': options.tagOf(service, platforms),
        platforms,
      };
    });
}
