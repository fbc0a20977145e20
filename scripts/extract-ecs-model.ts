// Extracts the part of the ECS API model that the actions validate against into
// actions/shared/src/ecs-model.json: every shape reachable from the requests below, with member
// names, required members, enumerations, min/max and patterns (documentation dropped).
//
// Two sources, so the file stays in step with what the actions really send:
// - botocore's machine-readable model (data/ecs/2014-11-13/service-2.json.gz) for types, enums and
//   ranges. The botocore in .venv is pinned old by the Python tools (it lacks BLUE_GREEN and
//   more), so a pinned release is fetched from PyPI once (pip download) and cached outside the
//   repository; --botocore names a model file instead.
// - the installed @aws-sdk/client-ecs's own schemas for member names and required members: the
//   SDK drops a member it does not know without a word, so a member botocore has and the SDK
//   lacks is left out (and listed); a member or required list the SDK has and botocore lacks
//   stops the script (raise BOTOCORE_VERSION).
//
// Usage: node scripts/extract-ecs-model.ts [--check] [--botocore <service-2.json[.gz]>] [--out <file>]
//   --check  compares with the committed file (or --out) instead of writing it (exit 1 on a difference).

import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';

/** The botocore release whose ECS model is at least as new as the installed @aws-sdk/client-ecs. */
const BOTOCORE_VERSION = '1.44.5';
const ROOTS = ['RegisterTaskDefinitionRequest', 'CreateServiceRequest', 'UpdateServiceRequest', 'RunTaskRequest'];
const WHEEL_MEMBER = 'botocore/data/ecs/2014-11-13/service-2.json.gz';

const root = new URL('..', import.meta.url).pathname;
const modelFile = join(root, 'actions/shared/src/ecs-model.json');

interface BotoRef {
  shape: string;
}
interface BotoShape {
  type: string;
  members?: Record<string, BotoRef>;
  required?: string[];
  member?: BotoRef;
  key?: BotoRef;
  value?: BotoRef;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  union?: boolean;
  document?: boolean;
}

/** One shape of the committed model; references are shape names. */
interface ModelShape {
  type: string;
  members?: Record<string, string>;
  required?: string[];
  member?: string;
  key?: string;
  value?: string;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  /** A structure of which exactly one member is set. */
  union?: true;
}

function readModelFile(path: string): string {
  const bytes = readFileSync(path);
  return (path.endsWith('.gz') ? gunzipSync(bytes) : bytes).toString('utf8');
}

/** The pinned botocore's ECS model: from the cache, or fetched from PyPI into it. */
function pinnedBotocoreModel(): string {
  const cacheDir = join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'mysfits-ecs-model');
  const cached = join(cacheDir, `botocore-${BOTOCORE_VERSION}-ecs-service-2.json.gz`);
  if (!existsSync(cached)) {
    const python = existsSync(join(root, '.venv/bin/python')) ? join(root, '.venv/bin/python') : 'python3';
    const download = mkdtempSync(join(tmpdir(), 'botocore-'));
    process.stderr.write(
      `extract-ecs-model: fetching botocore ${BOTOCORE_VERSION} from PyPI once (cache: ${cacheDir})\n`,
    );
    try {
      execFileSync(
        python,
        [
          '-m',
          'pip',
          'download',
          '--quiet',
          '--no-deps',
          '--disable-pip-version-check',
          '-d',
          download,
          `botocore==${BOTOCORE_VERSION}`,
        ],
        { stdio: 'inherit' },
      );
      const wheel = readdirSync(download).find((name) => name.endsWith('.whl'));
      if (!wheel) throw new Error(`pip download left no botocore wheel in ${download}`);
      mkdirSync(cacheDir, { recursive: true });
      // A wheel is a zip; Python's zipfile reads it without another tool.
      execFileSync(python, [
        '-c',
        'import sys,zipfile; open(sys.argv[3],"wb").write(zipfile.ZipFile(sys.argv[1]).read(sys.argv[2]))',
        join(download, wheel),
        WHEEL_MEMBER,
        cached,
      ]);
    } finally {
      rmSync(download, { recursive: true, force: true });
    }
  }
  return readModelFile(cached);
}

/** Member names and the number of required (leading) members, from the SDK's schema tuples. */
function sdkStructure(
  sdk: Record<string, unknown>,
  name: string,
): { members: string[]; required: string[] } | undefined {
  const schema = sdk[`${name}$`];
  // 3 is a structure, 4 a union (exactly one member set) in @smithy/core's schema tuples.
  if (!Array.isArray(schema) || (schema[0] !== 3 && schema[0] !== 4)) return undefined;
  const members = schema[4] as string[];
  const requiredCount = typeof schema[6] === 'number' ? schema[6] : 0;
  return { members, required: members.slice(0, requiredCount) };
}

function extract(botocore: { version: string; shapes: Record<string, BotoShape> }): {
  model: unknown;
  notes: string[];
} {
  const require = createRequire(join(root, 'package.json'));
  const sdk = require('@aws-sdk/client-ecs') as Record<string, unknown>;
  const sdkVersion = (require('@aws-sdk/client-ecs/package.json') as { version: string }).version;
  const shapes: Record<string, ModelShape> = {};
  const notes: string[] = [];
  const problems: string[] = [];
  const queue = [...ROOTS];
  while (queue.length > 0) {
    const name = queue.shift() as string;
    if (shapes[name]) continue;
    const source = botocore.shapes[name];
    if (!source) {
      problems.push(`${name}: referenced but not in the botocore model`);
      continue;
    }
    const shape: ModelShape = { type: source.document ? 'document' : source.type };
    if (source.union) shape.union = true;
    if (source.document) {
      // Any JSON value (a hook's free-form details): nothing to check inside.
    } else if (source.type === 'structure') {
      const fromSdk = sdkStructure(sdk, name);
      const botoMembers = Object.keys(source.members ?? {});
      if (!fromSdk) {
        problems.push(`${name}: @aws-sdk/client-ecs ${sdkVersion} has no schema for this structure`);
        continue;
      }
      for (const member of fromSdk.members.filter((m) => !botoMembers.includes(m))) {
        problems.push(`${name}.${member}: in @aws-sdk/client-ecs ${sdkVersion}, not in botocore ${botocore.version}`);
      }
      const kept = botoMembers.filter((m) => fromSdk.members.includes(m));
      for (const member of botoMembers.filter((m) => !fromSdk.members.includes(m))) {
        notes.push(`${name}.${member}: in botocore ${botocore.version} only (the SDK would drop it), left out`);
      }
      const required = (source.required ?? []).filter((m) => kept.includes(m)).sort();
      if (required.join() !== [...fromSdk.required].sort().join()) {
        problems.push(
          `${name}: required ${required.join(', ')} in botocore, ${fromSdk.required.join(', ')} in the SDK`,
        );
      }
      shape.members = Object.fromEntries(kept.map((m) => [m, source.members?.[m]?.shape ?? '']));
      if (required.length > 0) shape.required = required;
      queue.push(...Object.values(shape.members));
    } else if (source.type === 'list') {
      shape.member = source.member?.shape ?? '';
      queue.push(shape.member);
    } else if (source.type === 'map') {
      shape.key = source.key?.shape ?? '';
      shape.value = source.value?.shape ?? '';
      queue.push(shape.key, shape.value);
    }
    for (const field of ['enum', 'min', 'max', 'pattern'] as const) {
      if (source[field] !== undefined) Object.assign(shape, { [field]: source[field] });
    }
    shapes[name] = shape;
  }
  if (problems.length > 0) {
    throw new Error(
      `the ECS models are not in step:\n  ${problems.join('\n  ')}\nRaise BOTOCORE_VERSION in scripts/extract-ecs-model.ts to a release at least as new as @aws-sdk/client-ecs ${sdkVersion}.`,
    );
  }
  const sorted = Object.fromEntries(
    Object.keys(shapes)
      .sort()
      .map((name) => [name, shapes[name]]),
  );
  const model = {
    comment: 'Generated by scripts/extract-ecs-model.ts; do not edit. Regenerate after bumping @aws-sdk/client-ecs.',
    sources: { botocore: botocore.version, '@aws-sdk/client-ecs': sdkVersion },
    roots: ROOTS,
    shapes: sorted,
  };
  return { model, notes };
}

function main(): void {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const override = args.includes('--botocore') ? args[args.indexOf('--botocore') + 1] : undefined;
  const outFile = args.includes('--out') ? (args[args.indexOf('--out') + 1] ?? modelFile) : modelFile;
  const text = override ? readModelFile(override) : pinnedBotocoreModel();
  const parsed = JSON.parse(text) as { shapes: Record<string, BotoShape> };
  const { model, notes } = extract({
    version: override ? `file ${override}` : BOTOCORE_VERSION,
    shapes: parsed.shapes,
  });
  for (const note of notes) process.stderr.write(`extract-ecs-model: ${note}\n`);
  // In the repository's own format (biome checks JSON too), so a regenerated file compares equal.
  const json = execFileSync(join(root, 'node_modules/.bin/biome'), ['format', `--stdin-file-path=${modelFile}`], {
    input: JSON.stringify(model),
    encoding: 'utf8',
  });
  if (check) {
    const committed = existsSync(outFile) ? readFileSync(outFile, 'utf8') : '';
    if (committed !== json) {
      process.stderr.write(
        `extract-ecs-model: ${outFile} differs from what the models give; run node scripts/extract-ecs-model.ts and commit it\n`,
      );
      process.exit(1);
    }
    process.stdout.write(`extract-ecs-model: ${outFile} is up to date\n`);
    return;
  }
  writeFileSync(outFile, json);
  process.stdout.write(
    `extract-ecs-model: wrote ${outFile} (${Object.keys((model as { shapes: object }).shapes).length} shapes)\n`,
  );
}

main();
