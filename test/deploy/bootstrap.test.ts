import { execFile } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CloudFormationClient, DescribeStacksCommand, type Stack } from '@aws-sdk/client-cloudformation';
import { CreateOpenIDConnectProviderCommand, GetRoleCommand, IAMClient } from '@aws-sdk/client-iam';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { repoRoot } from '../../deploy/config.js';
import { createGhStub, type GhStub } from '../support/gh-stub.js';
import { type MotoServer, startMoto } from '../support/moto.js';

const repository = 'octo-org/fork';
const tsx = join(repoRoot, 'node_modules/.bin/tsx');
let moto: MotoServer;
let gh: GhStub;
let cfn: CloudFormationClient;
let iam: IAMClient;

/** The process environment without the caller's AWS settings, so only what a test gives counts. */
function cleanEnv(): Record<string, string> {
  return Object.fromEntries(
    Object.entries(process.env).filter(
      (entry): entry is [string, string] => !entry[0].startsWith('AWS_') && entry[1] !== undefined,
    ),
  );
}

function runBootstrap(args: string[], env: Record<string, string> = {}) {
  return new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
    execFile(
      tsx,
      ['scripts/bootstrap.ts', ...args],
      // Never the instance metadata endpoint: a machine without credentials must fail, not probe the network.
      {
        cwd: repoRoot,
        timeout: 60_000,
        env: { ...cleanEnv(), ...moto.env, ...gh.env, AWS_EC2_METADATA_DISABLED: 'true', ...env },
      },
      (error, stdout, stderr) => resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    ),
  );
}

async function stack(name: string): Promise<Stack | undefined> {
  try {
    return (await cfn.send(new DescribeStacksCommand({ StackName: name }))).Stacks?.[0];
  } catch {
    return undefined;
  }
}

const parameters = (found: Stack | undefined) =>
  Object.fromEntries((found?.Parameters ?? []).map((p) => [p.ParameterKey, p.ParameterValue]));
const writes = (calls: string[][]) =>
  calls.filter((call) => call.includes('PUT') || (call[0] === 'variable' && call[1] === 'set'));

beforeAll(async () => {
  moto = await startMoto();
  const client = {
    region: 'us-east-1',
    endpoint: moto.endpoint,
    credentials: { accessKeyId: 'testing', secretAccessKey: 'testing' },
  };
  cfn = new CloudFormationClient(client);
  iam = new IAMClient(client);
}, 60_000);

afterAll(async () => {
  await moto?.stop();
});

beforeEach(async () => {
  await moto.reset();
  gh = createGhStub(repository);
});

describe('npm run bootstrap -- <environment> (against moto, with a gh stub)', () => {
  it('should create the stack, the GitHub environment and its AWS_ROLE_ARN, then change nothing on a second run', async () => {
    const first = await runBootstrap(['staging']);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    const created = await stack('staging-bootstrap');
    expect(created?.StackStatus).toBe('CREATE_COMPLETE');
    expect(parameters(created)).toEqual({
      EnvironmentName: 'staging',
      GitHubRepository: repository,
      GitHubEnvironment: 'staging',
      ExistingOidcProviderArn: '',
      PromoteFromEnvironment: '',
    });
    const roleArn = created?.Outputs?.find((output) => output.OutputKey === 'DeployRoleArn')?.OutputValue;
    expect(roleArn).toMatch(/:role\/staging-github-deploy$/);
    const role = await iam.send(new GetRoleCommand({ RoleName: 'staging-github-deploy' }));
    expect(decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? '')).toContain(
      `repo:${repository}:environment:staging`,
    );
    expect(gh.state()).toMatchObject({ environments: ['staging'], variables: { staging: { AWS_ROLE_ARN: roleArn } } });
    expect(writes(gh.calls())).toEqual([
      ['api', '-X', 'PUT', `repos/${repository}/environments/staging`],
      ['variable', 'set', 'AWS_ROLE_ARN', '--env', 'staging', '--repo', repository, '--body', roleArn],
    ]);
    expect(first.stdout).toContain('create stack staging-bootstrap (with the GitHub OIDC provider)');

    gh.clearCalls();
    const second = await runBootstrap(['staging']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('Nothing to change: staging is bootstrapped');
    expect(writes(gh.calls())).toEqual([]);
    expect((await stack('staging-bootstrap'))?.LastUpdatedTime).toEqual(created?.LastUpdatedTime);
  }, 120_000);

  it("should reuse the account's GitHub provider for a second environment, trusting only its own GitHub environment", async () => {
    const provider = await iam.send(
      new CreateOpenIDConnectProviderCommand({
        Url: 'https://token.actions.githubusercontent.com',
        ClientIDList: ['sts.amazonaws.com'],
        ThumbprintList: ['ffffffffffffffffffffffffffffffffffffffff'],
      }),
    );
    const result = await runBootstrap(['production']);
    expect(result.code).toBe(0);
    const created = await stack('production-bootstrap');
    expect(parameters(created)).toMatchObject({
      GitHubEnvironment: 'production',
      ExistingOidcProviderArn: provider.OpenIDConnectProviderArn,
    });
    const role = await iam.send(new GetRoleCommand({ RoleName: 'production-github-deploy' }));
    const trust = decodeURIComponent(role.Role?.AssumeRolePolicyDocument ?? '');
    expect(trust).toContain(`repo:${repository}:environment:production`);
    expect(trust).not.toContain('environment:staging');
    expect(gh.state().variables.production?.AWS_ROLE_ARN).toMatch(/:role\/production-github-deploy$/);
  }, 120_000);

  it('should only say what it would do in a dry run', async () => {
    const result = await runBootstrap(['staging', '--dry-run']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('would create stack staging-bootstrap');
    expect(result.stdout).toContain(`would create GitHub environment staging in ${repository}`);
    expect(result.stdout).toMatch(
      /would set variable AWS_ROLE_ARN of staging to arn:aws:iam::\d{12}:role\/staging-github-deploy/,
    );
    expect(result.stdout).toContain('Dry run: 3 change(s) above, none made.');
    expect(await stack('staging-bootstrap')).toBeUndefined();
    expect(writes(gh.calls())).toEqual([]);
    expect(gh.state().environments).toEqual([]);
  }, 60_000);

  it('should stop before any change when gh is not signed in', async () => {
    gh.setState({ loggedIn: false });
    const result = await runBootstrap(['staging']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Expected the GitHub CLI to be signed in, found it is not');
    expect(result.stderr).toContain('run `gh auth login`');
    expect(await stack('staging-bootstrap')).toBeUndefined();
  }, 60_000);

  it('should stop before any change when the AWS CLI is not signed in', async () => {
    const empty = join(mkdtempSync(join(tmpdir(), 'no-aws-')), 'none');
    writeFileSync(empty, '');
    const result = await runBootstrap(['staging'], {
      AWS_ACCESS_KEY_ID: '',
      AWS_SECRET_ACCESS_KEY: '',
      AWS_CONFIG_FILE: empty,
      AWS_SHARED_CREDENTIALS_FILE: empty,
    });
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('Expected AWS credentials with rights to create IAM roles, found none that work');
    expect(result.stderr).toContain('sign the AWS CLI in');
    expect(writes(gh.calls())).toEqual([]);
  }, 60_000);

  it('should refuse an environment deploy/config.yml does not have, naming those it has', async () => {
    const result = await runBootstrap(['prod']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(
      "expected one of the environments of deploy/config.yml (staging, production), found 'prod'",
    );
    expect(gh.calls()).toEqual([]);
  }, 60_000);
});
