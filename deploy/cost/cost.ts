// `npm run cost`: every environment's monthly idle cost from what deploy/config.yml deploys there
// (NAT gateways, every service's size, count, capacity and architecture), beside the workshop's
// layout. `npm run cost -- --environment <name> --markdown` prints the Markdown of that one
// environment, which the deploy workflow appends to its job summary.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { environmentNames, loadDeployConfig } from '../config.ts';
import { type CostEstimate, monthlyCost, type PriceTable } from './cost-model.ts';
import { environmentStackShape, type StackSources, workshopStackShape } from './cost-stack.ts';

export type { CostEstimate, PriceTable, StackShape } from './cost-model.ts';
export { monthlyCost } from './cost-model.ts';
export { environmentStackShape, workshopStackShape } from './cost-stack.ts';

/** The monthly idle cost the first environment (where every push lands) should stay under. */
export const costGoalUsd = 35;
export const pricesPath = fileURLToPath(new URL('./prices-us-east-1.json', import.meta.url));

export interface CostReport {
  prices: Pick<PriceTable, 'region' | 'currency' | 'asOf' | 'source' | 'check'>;
  /** One estimate per environment, in config order (`stack` is the environment's name). */
  environments: CostEstimate[];
  workshop: CostEstimate;
  goalUsd: number;
  /** The environment the goal is for: the first one (where every push lands). */
  goalEnvironment: string;
  /** That environment's estimate, whether or not `environments` shows it. */
  defaultStack: CostEstimate;
  meetsGoal: boolean;
}

/** Reads the dated price table kept in the repository. */
export function readPrices(path: string = pricesPath): PriceTable {
  return JSON.parse(readFileSync(path, 'utf8')) as PriceTable;
}

/**
 * Every environment of the config (or only `environments`), and the workshop's layout, priced alike.
 * @throws Error when an environment is not in the config.
 */
export function estimateCosts(
  options: { prices?: PriceTable; sources?: StackSources; environments?: string[] } = {},
): CostReport {
  const prices = options.prices ?? readPrices();
  const config = options.sources?.config ?? loadDeployConfig();
  const names = environmentNames(config);
  const environments = (options.environments ?? names).map((environment) =>
    monthlyCost(environmentStackShape({ ...options.sources, config, environment }), prices),
  );
  const goalEnvironment = names[0] ?? '';
  const goal = monthlyCost(environmentStackShape({ ...options.sources, config, environment: goalEnvironment }), prices);
  return {
    prices: {
      region: prices.region,
      currency: prices.currency,
      asOf: prices.asOf,
      source: prices.source,
      check: prices.check,
    },
    environments,
    workshop: monthlyCost(workshopStackShape(config), prices),
    goalUsd: costGoalUsd,
    goalEnvironment,
    defaultStack: goal,
    meetsGoal: goal.total <= costGoalUsd,
  };
}

const usd = (value: number) => `$${value.toFixed(2)}`;

function columns(report: CostReport): CostEstimate[] {
  return [...report.environments, report.workshop];
}

function rows(report: CostReport): string[][] {
  const estimates = columns(report);
  const items = [...new Set(estimates.flatMap((estimate) => estimate.lines.map((line) => line.item)))];
  return items.map((item) => [
    item,
    ...estimates.map((estimate) => usd(estimate.lines.find((line) => line.item === item)?.monthly ?? 0)),
  ]);
}

/** The verdict on the goal, when the report shows the environment it is for. */
function goalLines(report: CostReport): string[] {
  if (!report.environments.some((estimate) => estimate.stack === report.goalEnvironment)) return [];
  const verdict = report.meetsGoal ? 'meets' : `misses, by ${usd(report.defaultStack.total - report.goalUsd)},`;
  return [`${report.goalEnvironment} ${verdict} the ${usd(report.goalUsd)}/month goal.`, ''];
}

/** A Markdown table (each environment beside the workshop) with the assumptions, for a job summary or the README. */
export function costMarkdown(report: CostReport): string {
  const estimates = columns(report);
  const names = [...report.environments.map((estimate) => estimate.stack), 'Workshop layout'];
  return [
    `### Estimated monthly idle cost (${report.prices.region}, list prices ${report.prices.asOf})`,
    '',
    `| Item | ${names.join(' | ')} |`,
    `| --- |${names.map(() => ' ---: |').join('')}`,
    ...rows(report).map((row) => `| ${row.join(' | ')} |`),
    `| **Total** | ${estimates.map((estimate) => `**${usd(estimate.total)}**`).join(' | ')} |`,
    '',
    ...goalLines(report),
    ...estimates.flatMap((estimate) => estimate.assumptions).map((line) => `- ${line}`),
    `- Prices: ${report.prices.source}`,
    ...report.prices.check.map((line) => `- Check: ${line}`),
  ].join('\n');
}

/** A plain-text table for the terminal. */
export function costText(report: CostReport): string {
  const estimates = columns(report);
  const all = [
    ['Item', ...report.environments.map((estimate) => estimate.stack), 'Workshop'],
    ...rows(report),
    ['Total', ...estimates.map((estimate) => usd(estimate.total))],
  ];
  const width = Math.max(...all.map((row) => row[0]?.length ?? 0));
  const cell = Math.max(9, ...all.flatMap((row) => row.slice(1).map((value) => value.length)));
  const lines = all.map(([item, ...values]) =>
    [(item ?? '').padEnd(width), ...values.map((value) => value.padStart(cell))].join('  '),
  );
  const detail = report.environments.flatMap((estimate) => [
    `${estimate.stack}:`,
    ...estimate.lines.map((line) => `  ${line.item}: ${line.detail}`),
    ...estimate.assumptions.map((line) => `  - ${line}`),
  ]);
  return [
    `Monthly idle cost, ${report.prices.region}, list prices ${report.prices.asOf} (check the pricing pages)`,
    ...lines,
    '',
    ...goalLines(report),
    ...detail,
    'Workshop:',
    ...report.workshop.assumptions.map((line) => `  - ${line}`),
    ...report.prices.check.map((line) => `Check: ${line}`),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    const { values } = parseArgs({ options: { environment: { type: 'string' }, markdown: { type: 'boolean' } } });
    const report = estimateCosts({ environments: values.environment ? [values.environment] : undefined });
    process.stdout.write(`${values.markdown ? costMarkdown(report) : costText(report)}\n`);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}
