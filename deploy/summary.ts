// The deploy workflow's summary job: per environment what ran and how it ended, links to the app
// and the AWS console, and what to do when the repository has no deploy role yet.
//   node deploy/summary.ts   (reads RESULTS = toJSON(needs), COMMIT; appends to GITHUB_STEP_SUMMARY)
// Plain Node 24: the console links are actions/shared's, imported by path (no dependencies).
import { appendFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { cloudFormationStackUrl, ecsClusterUrl, ecsServiceUrl } from '../actions/shared/src/console-links.ts';
import type { DeployConfig } from './config.ts';
import { environmentConfig, environmentNames, loadDeployConfig } from './config.ts';

/** One job of `needs`, as toJSON(needs) gives it. */
export interface NeededJob {
  result: string;
  outputs?: Record<string, string>;
}

/** One environment's part of the run, read from the needs of its caller job. */
interface EnvironmentResult {
  environment: string;
  result: string;
  ready: string;
  publicUrl: string;
  services: string[];
  /** The changes job found nothing to deploy here since the environment's last deploy. */
  nothingToDeploy: boolean;
}

function environmentLines(config: DeployConfig, run: EnvironmentResult): string[] {
  const env = environmentConfig(config, run.environment);
  const lines = [`### ${run.environment} (${env.region}): ${run.result}`, ''];
  if (run.ready === 'false') {
    lines.push(
      `Nothing was deployed: the GitHub environment \`${run.environment}\` has no \`AWS_ROLE_ARN\` variable, so there is no role to deploy with.`,
      `Bootstrap it once (README: "Use this template"): \`npm run bootstrap -- ${run.environment}\`, then push again or run *deploy* from the Actions tab.`,
      '',
    );
    return lines;
  }
  if (run.result === 'skipped' && run.nothingToDeploy)
    return [...lines, 'Nothing to deploy: no service changed since its last deploy.', ''];
  if (run.result === 'skipped') return [...lines, 'Not run (an earlier environment did not finish).', ''];
  if (run.publicUrl) lines.push(`- The app: <${run.publicUrl}>`);
  lines.push(`- [ECS services](${ecsClusterUrl({ region: env.region, cluster: `${run.environment}-cluster` })})`);
  for (const service of run.services) {
    lines.push(
      `  - [${service}](${ecsServiceUrl({ region: env.region, cluster: `${run.environment}-cluster`, service })}), [its stack](${cloudFormationStackUrl({ region: env.region, stack: `${run.environment}-service-${service}` })})`,
    );
  }
  lines.push(
    `- [Platform stack](${cloudFormationStackUrl({ region: env.region, stack: `${run.environment}-platform` })})`,
    '',
  );
  return lines;
}

/** The summary's Markdown. `needs` is toJSON(needs) of the summary job. */
export function summaryMarkdown(options: {
  config: DeployConfig;
  needs: Record<string, NeededJob>;
  commit: string;
}): string {
  const { config, needs } = options;
  const changes = needs.changes;
  const services = JSON.parse(changes?.outputs?.services ?? '[]') as string[];
  // Per environment this run deploys: its legs and services (pipeline.ts changes).
  const plans = JSON.parse(changes?.outputs?.plans ?? '{}') as Record<string, { legs: string; services: string[] }>;
  const planned = (environment: string) => ({
    services: plans[environment]?.services ?? services,
    nothingToDeploy:
      plans[environment] !== undefined &&
      (JSON.parse(plans[environment].legs) as { include: unknown[] }).include.length === 0,
  });
  const names = environmentNames(config);
  const lines = [`## Deploy of ${options.commit.slice(0, 12)}`, ''];
  if (changes?.result !== 'success') {
    lines.push(`The changes job ended ${changes?.result ?? 'unknown'}: nothing was deployed.`, '');
  } else {
    lines.push(
      `Services deployed this run: ${services.length > 0 ? services.map((s) => `\`${s}\``).join(', ') : 'none'}`,
      '',
    );
    const stage = needs.stage;
    const first: EnvironmentResult = {
      environment: names[0] ?? '',
      result: stage?.result ?? 'skipped',
      ready: stage?.outputs?.ready ?? '',
      publicUrl: stage?.outputs?.['public-url'] ?? '',
      ...planned(names[0] ?? ''),
    };
    lines.push(...environmentLines(config, first));
    const promote = needs.promote;
    for (const environment of names.slice(1)) {
      lines.push(
        ...environmentLines(config, {
          environment,
          result: promote?.result ?? 'skipped',
          ready: promote?.outputs?.ready ?? '',
          publicUrl: promote?.outputs?.['public-url'] ?? '',
          ...planned(environment),
        }),
      );
    }
  }
  lines.push('| Job | Result |', '| --- | --- |');
  for (const [job, value] of Object.entries(needs)) lines.push(`| ${job} | ${value.result} |`);
  return `${lines.join('\n')}\n`;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const needs = JSON.parse(process.env.RESULTS ?? '{}') as Record<string, NeededJob>;
    const markdown = summaryMarkdown({ config: loadDeployConfig(), needs, commit: process.env.COMMIT ?? '' });
    const file = process.env.GITHUB_STEP_SUMMARY;
    if (file) appendFileSync(file, markdown);
    else process.stdout.write(markdown);
  } catch (error) {
    console.error(`::error::${error instanceof Error ? error.message : String(error)}`);
    process.exitCode = 1;
  }
}
