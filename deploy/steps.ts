// The workflow steps that ask AWS something and decide on it, as code the tests run against moto
// instead of bash in the workflow files. Each command prints `name=value` step-output lines.
//
//   node deploy/steps.ts image --repository <name> --tag <tag> [--require] [--expect-digest <d>]
//       the repository's URI and the tag's digest: `image=<uri>@<digest>` and `digest=`, both
//       empty when the tag is absent (--require makes that an error; --expect-digest fails on
//       another digest, e.g. after a promotion copy)
//   node deploy/steps.ts target-group --cluster <name> --service <name>
//       `arn=` the target group the service's first load balancer sends production traffic to
//       (blue/green deployments swap it), empty for a service without a load balancer
//   node deploy/steps.ts public-url --stack <platform stack>
//       `public-url=` the platform stack's PublicUrl output
//
// Plain Node 24 (types stripped); the SDK comes from the deploy workspace (deploy/package.json).
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { CloudFormationClient, DescribeStacksCommand } from '@aws-sdk/client-cloudformation';
import { DescribeImagesCommand, DescribeRepositoriesCommand, ECRClient } from '@aws-sdk/client-ecr';
import { DescribeServicesCommand, ECSClient } from '@aws-sdk/client-ecs';

const errorName = (error: unknown) => (error instanceof Error ? error.name : '');

/** The image of `repository:tag` by digest, or undefined when the tag is absent. */
export async function findImage(
  ecr: ECRClient,
  options: { repository: string; tag: string },
): Promise<{ image: string; digest: string } | undefined> {
  const { repositories } = await ecr.send(new DescribeRepositoriesCommand({ repositoryNames: [options.repository] }));
  const uri = repositories?.[0]?.repositoryUri;
  if (!uri)
    throw new Error(`expected ECR repository ${options.repository}, found none: deploy its service stack first`);
  try {
    const { imageDetails } = await ecr.send(
      new DescribeImagesCommand({ repositoryName: options.repository, imageIds: [{ imageTag: options.tag }] }),
    );
    const digest = imageDetails?.[0]?.imageDigest;
    return digest ? { image: `${uri}@${digest}`, digest } : undefined;
  } catch (error) {
    if (errorName(error) === 'ImageNotFoundException') return undefined;
    throw error;
  }
}

/** The production target group of an ECS service; '' when it has no load balancer. */
export async function productionTargetGroup(
  ecs: ECSClient,
  options: { cluster: string; service: string },
): Promise<string> {
  const { services, failures } = await ecs.send(
    new DescribeServicesCommand({ cluster: options.cluster, services: [options.service] }),
  );
  const service = services?.find((candidate) => candidate.status !== 'INACTIVE');
  if (!service) {
    const reason = failures?.[0]?.reason ?? 'INACTIVE';
    throw new Error(
      `expected ECS service ${options.service} in cluster ${options.cluster}, found ${reason}: the scaling stack follows the deploy`,
    );
  }
  return service.loadBalancers?.[0]?.targetGroupArn ?? '';
}

/** The platform stack's PublicUrl output. */
export async function publicUrl(cloudFormation: CloudFormationClient, stack: string): Promise<string> {
  const { Stacks } = await cloudFormation.send(new DescribeStacksCommand({ StackName: stack }));
  const url = Stacks?.[0]?.Outputs?.find((output) => output.OutputKey === 'PublicUrl')?.OutputValue;
  if (!url) throw new Error(`expected output PublicUrl of stack ${stack}, found none: deploy the platform stack`);
  return url;
}

/** The output lines of one command. */
export async function runSteps(argv: string[]): Promise<string[]> {
  const { values, positionals } = parseArgs({
    args: argv,
    options: {
      repository: { type: 'string' },
      tag: { type: 'string' },
      require: { type: 'boolean', default: false },
      'expect-digest': { type: 'string' },
      cluster: { type: 'string' },
      service: { type: 'string' },
      stack: { type: 'string' },
    },
    allowPositionals: true,
  });
  const need = (name: keyof typeof values): string => {
    const value = values[name];
    if (typeof value !== 'string' || value === '') throw new Error(`expected --${name} <value>, found none`);
    return value;
  };
  const [command] = positionals;
  if (command === 'image') {
    const repository = need('repository');
    const tag = need('tag');
    const found = await findImage(new ECRClient({}), { repository, tag });
    if (!found && values.require) {
      throw new Error(
        `expected image ${repository}:${tag}, found none: the build (or promotion) of this commit is missing`,
      );
    }
    const expected = values['expect-digest'];
    if (expected && found?.digest !== expected) {
      throw new Error(`expected ${repository}:${tag} to be ${expected}, found ${found?.digest ?? 'no image'}`);
    }
    return [`image=${found?.image ?? ''}`, `digest=${found?.digest ?? ''}`];
  }
  if (command === 'target-group') {
    const arn = await productionTargetGroup(new ECSClient({}), { cluster: need('cluster'), service: need('service') });
    return [`arn=${arn}`];
  }
  if (command === 'public-url') {
    return [`public-url=${await publicUrl(new CloudFormationClient({}), need('stack'))}`];
  }
  throw new Error(`unknown command '${command ?? ''}': expected image, target-group or public-url`);
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  runSteps(process.argv.slice(2)).then(
    (lines) => {
      for (const line of lines) console.log(line);
    },
    (error: unknown) => {
      console.error(`::error::${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
    },
  );
}
