// `npm run cost`: the environment's monthly idle cost (deploy/config.yml's real settings: NAT
// gateways, every service's size and count) beside the workshop's layout.
// `npm run cost -- --markdown` prints the Markdown the deploy workflow appends to its job summary.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { type CostEstimate, monthlyCost, type PriceTable } from './cost-model.js';
import { defaultStackShape, type StackSources, workshopStackShape } from './cost-stack.js';

export type { CostEstimate, PriceTable, StackShape } from './cost-model.js';
export { monthlyCost } from './cost-model.js';
export { defaultStackShape, workshopStackShape } from './cost-stack.js';

export const costGoalUsd = 35;
export const pricesPath = fileURLToPath(new URL('./prices-us-east-1.json', import.meta.url));

export interface CostReport {
  prices: Pick<PriceTable, 'region' | 'currency' | 'asOf' | 'source'>;
  defaultStack: CostEstimate;
  workshop: CostEstimate;
  goalUsd: number;
  meetsGoal: boolean;
}

/** Reads the dated price table kept in the repository. */
export function readPrices(path: string = pricesPath): PriceTable {
  return JSON.parse(readFileSync(path, 'utf8')) as PriceTable;
}

/** The configured environment (config, templates, deploy files) and the workshop's layout, priced alike. */
export function estimateCosts(options: { prices?: PriceTable; sources?: StackSources } = {}): CostReport {
  const prices = options.prices ?? readPrices();
  const defaultStack = monthlyCost(defaultStackShape(options.sources), prices);
  const workshop = monthlyCost(workshopStackShape(options.sources?.config), prices);
  return {
    prices: { region: prices.region, currency: prices.currency, asOf: prices.asOf, source: prices.source },
    defaultStack,
    workshop,
    goalUsd: costGoalUsd,
    meetsGoal: defaultStack.total <= costGoalUsd,
  };
}

const usd = (value: number) => `$${value.toFixed(2)}`;

function rows(report: CostReport): Array<[string, string, string]> {
  const items = [...new Set([...report.defaultStack.lines, ...report.workshop.lines].map((line) => line.item))];
  const find = (estimate: CostEstimate, item: string) => estimate.lines.find((line) => line.item === item);
  return items.map((item) => [
    item,
    usd(find(report.defaultStack, item)?.monthly ?? 0),
    usd(find(report.workshop, item)?.monthly ?? 0),
  ]);
}

/** A Markdown table (default stack beside the workshop) with the assumptions, for a job summary or the README. */
export function costMarkdown(report: CostReport): string {
  const verdict = report.meetsGoal ? 'meets' : 'misses';
  return [
    `### Estimated monthly idle cost (${report.prices.region}, list prices ${report.prices.asOf})`,
    '',
    '| Item | This environment | Workshop layout |',
    '| --- | ---: | ---: |',
    ...rows(report).map((row) => `| ${row.join(' | ')} |`),
    `| **Total** | **${usd(report.defaultStack.total)}** | **${usd(report.workshop.total)}** |`,
    '',
    `The default stack ${verdict} the ${usd(report.goalUsd)}/month goal.`,
    '',
    ...[...report.defaultStack.assumptions, ...report.workshop.assumptions].map((line) => `- ${line}`),
    `- Prices: ${report.prices.source}`,
  ].join('\n');
}

/** A plain-text table for the terminal. */
export function costText(report: CostReport): string {
  const all = [
    ['Item', 'Default', 'Workshop'],
    ...rows(report),
    ['Total', usd(report.defaultStack.total), usd(report.workshop.total)],
  ];
  const width = Math.max(...all.map((row) => row[0]?.length ?? 0));
  const lines = all.map(
    ([item, a, b]) => `${(item ?? '').padEnd(width)}  ${(a ?? '').padStart(9)}  ${(b ?? '').padStart(9)}`,
  );
  const detail = report.defaultStack.lines.map((line) => `  ${line.item}: ${line.detail}`);
  return [
    `Monthly idle cost, ${report.prices.region}, list prices ${report.prices.asOf} (check the pricing pages)`,
    ...lines,
    '',
    `Goal ≤ ${usd(report.goalUsd)}: ${report.meetsGoal ? 'met' : `MISSED by ${usd(report.defaultStack.total - report.goalUsd)}`}`,
    'Default stack:',
    ...detail,
    ...report.defaultStack.assumptions.map((line) => `  - ${line}`),
    'Workshop:',
    ...report.workshop.assumptions.map((line) => `  - ${line}`),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const report = estimateCosts();
  process.stdout.write(`${process.argv.includes('--markdown') ? costMarkdown(report) : costText(report)}\n`);
}
