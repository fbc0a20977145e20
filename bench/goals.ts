import type { CostReport } from '../deploy/cost/cost.js';
import type { ActionBenchResult } from './actions.js';
import type { DeployWaitResult } from './deploy-wait.js';
import type { LikePathResult } from './like-path.js';
import type { ListBenchResult } from './list.js';
import type { StartupResult } from './process.js';

export interface Goal {
  name: string;
  measured: string;
  goal: string;
  met: boolean;
}

export interface BenchFigures {
  list: ListBenchResult;
  likePath: LikePathResult;
  startup: StartupResult;
  actions: ActionBenchResult[];
  deployWait: DeployWaitResult;
  cost: CostReport;
}

/** Every goal of issue 6 against what was measured; medians decide, the spread is shown beside them. */
export function evaluateGoals(figures: BenchFigures): Goal[] {
  const { list, likePath, startup, actions, deployWait, cost } = figures;
  const goals: Goal[] = [
    {
      name: 'List: monolith ÷ bare Scan',
      measured: `${list.ratio.median} (${list.ratio.min}–${list.ratio.max}), ${list.scansPerGet} Scan/GET`,
      goal: '≥ 0.8, no cache',
      met: list.ratio.median >= 0.8 && list.scansPerGet >= 1 && list.errors === 0,
    },
    {
      name: `Like path p99 at ${likePath.rate}/s`,
      measured: `${likePath.p99Ms.median} ms (${likePath.p99Ms.min}–${likePath.p99Ms.max}), ${likePath.errors} errors`,
      goal: '≤ 20 ms, 0 errors',
      met: likePath.p99Ms.median <= 20 && likePath.errors === 0,
    },
  ];
  for (const service of ['monolith', 'like'] as const) {
    const memory = likePath.memory[service];
    goals.push({
      name: `RSS ${service} under like load`,
      measured: `${memory.rssMb} MB (peak ${memory.peakRssMb})`,
      goal: '≤ 80 MB',
      met: memory.peakRssMb <= 80,
    });
    const start = startup.startMs[service];
    goals.push({
      name: `Start → healthy ${service}`,
      measured: `${start.median} ms (max ${start.max})`,
      goal: '≤ 300 ms',
      met: start.median <= 300 && start.max <= 300,
    });
  }
  for (const action of actions) {
    goals.push({
      name: `Action ${action.name} size`,
      measured: `${action.sizeMb} MB`,
      goal: '≤ 1 MB',
      met: action.sizeMb <= 1,
    });
    goals.push({
      name: `Action ${action.name} cold start`,
      measured: `${action.coldStartMs.median} ms (${action.coldStartMs.min}–${action.coldStartMs.max})`,
      goal: '≤ 200 ms',
      met: action.coldStartMs.median <= 200,
    });
  }
  goals.push({
    name: 'Minimum rolling-deploy wait',
    measured: `${deployWait.minimumWaitSeconds} s (workshop ${deployWait.workshopMinimumWaitSeconds} s)`,
    goal: '≤ 45 s',
    met: deployWait.minimumWaitSeconds <= 45,
  });
  goals.push({
    name: 'Monthly idle cost',
    measured: `$${cost.defaultStack.total.toFixed(2)} (workshop $${cost.workshop.total.toFixed(2)})`,
    goal: `≤ $${cost.goalUsd}`,
    met: cost.meetsGoal,
  });
  return goals;
}

/** The goals as an aligned text table. */
export function goalsTable(goals: Goal[]): string {
  const rows = [
    ['Figure', 'Measured (median, spread)', 'Goal', ''],
    ...goals.map((g) => [g.name, g.measured, g.goal, g.met ? 'ok' : 'MISSED']),
  ];
  const widths = [0, 1, 2].map((column) => Math.max(...rows.map((row) => row[column]?.length ?? 0)));
  return rows
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column] ?? 0))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
