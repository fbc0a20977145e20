// `npm run bootstrap -- <environment>`: what README's hand steps do, in one idempotent command.
// Reads first (both logins, the stack, the provider, the GitHub environment and its variable),
// then changes only what differs, and says what it changed; `dryRun` stops before every write.
import { join } from 'node:path';
import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { IAMClient } from '@aws-sdk/client-iam';
import { STSClient } from '@aws-sdk/client-sts';
import {
  type DeployConfig,
  environmentConfig,
  environmentNames,
  loadDeployConfig,
  repoRoot,
} from '../../deploy/config.js';
import { callerIdentity, deployStack, describeStack, githubOidcProvider, stackChange, stackOutput } from './aws.js';
import { createEnvironment, currentRepository, environmentExists, setVariable, variableValue } from './github.js';

export const ROLE_VARIABLE = 'AWS_ROLE_ARN';

export interface BootstrapOptions {
  environment: string;
  dryRun?: boolean;
  config?: DeployConfig;
  /** Where `gh` is looked up and what it inherits; default process.env. */
  env?: NodeJS.ProcessEnv;
  /** How long CloudFormation may take; default 15 minutes. */
  timeoutSeconds?: number;
  log?: (line: string) => void;
}

export interface BootstrapResult {
  stackName: string;
  roleArn: string;
  /** What changed (or, in a dry run, would change); empty when everything was in place. */
  changes: string[];
}

/**
 * Bootstraps one environment of deploy/config.yml: the `<environment>-bootstrap` stack
 * (cloudformation/bootstrap.yml, trusting this repository's GitHub environment of the same name),
 * the GitHub environment, and its AWS_ROLE_ARN variable.
 * @throws Error for an unknown environment, a missing `gh` or AWS login, or a stack that failed.
 */
export async function bootstrap(options: BootstrapOptions): Promise<BootstrapResult> {
  const log = options.log ?? ((line: string) => console.log(line));
  const config = options.config ?? loadDeployConfig();
  const environment = environmentConfig(config, options.environment);
  const source = environmentNames(config)[0] ?? '';
  const name = environment.environment;
  const would = options.dryRun ? 'would ' : '';
  const changes: string[] = [];

  const repository = await currentRepository(options.env);
  const region = environment.region;
  const cfn = new CloudFormationClient({ region });
  const identity = await callerIdentity(new STSClient({ region }));
  log(`AWS: account ${identity.account} as ${identity.arn}, region ${region}; GitHub: ${repository}`);

  const stackName = `${name}-bootstrap`;
  const stack = await describeStack(cfn, stackName);
  // A new stack reuses the account's provider (an account holds one per URL); an existing stack
  // keeps what it was created with, so a provider it created stays its own.
  const liveProvider = stack?.Parameters?.find((p) => p.ParameterKey === 'ExistingOidcProviderArn');
  const existingProvider = stack
    ? (liveProvider?.ParameterValue ?? '')
    : ((await githubOidcProvider(new IAMClient({ region }))) ?? '');
  const input = {
    stackName,
    templatePath: join(repoRoot, 'cloudformation', 'bootstrap.yml'),
    parameters: {
      EnvironmentName: name,
      GitHubRepository: repository,
      GitHubEnvironment: name,
      ExistingOidcProviderArn: existingProvider,
      // Every environment after the first deploys the first one's images (deploy.yml).
      PromoteFromEnvironment: source === name ? '' : source,
    },
    tags: { 'mysfits:environment': name },
    timeoutSeconds: options.timeoutSeconds ?? 900,
  };
  const change = await stackChange(cfn, input, stack);
  let roleArn = `arn:${identity.partition}:iam::${identity.account}:role/${name}-github-deploy`;
  if (change.kind === 'none') {
    log(`stack ${stackName}: up to date`);
    roleArn = stack ? stackOutput(stack, 'DeployRoleArn') : roleArn;
  } else {
    const what =
      change.kind === 'create'
        ? `${would}create stack ${stackName} (${existingProvider ? `reusing provider ${existingProvider}` : 'with the GitHub OIDC provider'})`
        : `${would}update stack ${stackName}: ${change.why.join('; ')}`;
    changes.push(what);
    log(what);
    if (!options.dryRun) roleArn = stackOutput(await deployStack(cfn, input, change.kind), 'DeployRoleArn');
    else if (stack) roleArn = stackOutput(stack, 'DeployRoleArn');
  }

  const target = { repository, environment: name, env: options.env };
  if (await environmentExists(target)) {
    log(`GitHub environment ${name}: exists`);
  } else {
    const what = `${would}create GitHub environment ${name} in ${repository}`;
    changes.push(what);
    log(what);
    if (!options.dryRun) await createEnvironment(target);
  }

  // A GitHub environment created in this dry run does not exist yet, so it has no variable either.
  const current = changes.some((c) => c.includes('GitHub environment'))
    ? undefined
    : await variableValue(target, ROLE_VARIABLE);
  if (current === roleArn) {
    log(`variable ${ROLE_VARIABLE} of ${name}: ${roleArn}, up to date`);
  } else {
    const what = `${would}set variable ${ROLE_VARIABLE} of ${name} to ${roleArn}${current ? ` (was ${current})` : ''}`;
    changes.push(what);
    log(what);
    if (!options.dryRun) await setVariable(target, ROLE_VARIABLE, roleArn);
  }

  if (changes.length === 0)
    log(`Nothing to change: ${name} is bootstrapped (stack ${stackName}, GitHub environment, ${ROLE_VARIABLE}).`);
  else if (options.dryRun)
    log(`Dry run: ${changes.length} change(s) above, none made. Run without --dry-run to make them.`);
  else log(`Done: ${name} is bootstrapped. Push to main to deploy.`);
  return { stackName, roleArn, changes };
}
