import * as core from '@actions/core';
import { ecsServiceUrl, ecsTaskDefinitionUrl, ecsTaskUrl } from '../../shared/src/console-links.js';
import { formatDuration } from '../../shared/src/parse.js';
import { addSummaryLink, addSummaryTable, writeSummary } from '../../shared/src/summary.js';
import { type AlarmFindings, alarmConsoleUrl } from './alarms.js';
import { codeDeployDeploymentUrl } from './codedeploy.js';
import type { DeployContext } from './context.js';
import type { PruneResult } from './prune.js';
import { addPruneSummary } from './prune-step.js';

/** What the summary reports; filled in as the deploy goes, so a failed deploy still has one. */
export interface DeployReport {
  mode: 'service' | 'run-task';
  status: string;
  startedAt: Date;
  taskDefinitionArn?: string;
  action?: string;
  strategy?: string;
  deploymentId?: string;
  taskArn?: string;
  exitCode?: number;
  error?: string;
  /** Set when old task definitions were pruned (or a dry run listed them) after the deploy. */
  prune?: PruneResult;
  /** Set when deployment alarms failed the deployment. */
  alarms?: AlarmFindings;
}

/** Writes the job summary: facts table, console links, and the timeline (time, event). */
export async function writeDeploySummary(context: DeployContext, report: DeployReport): Promise<void> {
  const { inputs, region, cluster } = context;
  const title = report.mode === 'run-task' ? `One-off task in ${cluster}` : `Deploy ${inputs.service ?? ''}`;
  core.summary.addHeading(`${report.status === 'FAILED' || report.error ? '❌' : '✅'} ${title}`, 2);
  const rows: string[][] = [
    ['Cluster', cluster],
    ['Status', report.status],
    ['Task definition', report.taskDefinitionArn ?? '(not registered)'],
    ['Duration', formatDuration(Date.now() - report.startedAt.getTime())],
  ];
  if (report.mode === 'service') {
    rows.splice(1, 0, ['Service', inputs.service ?? '']);
    rows.push(
      ['Action', report.action ?? '-'],
      ['Strategy', report.strategy ?? '-'],
      ['Deployment', report.deploymentId ?? '-'],
    );
    rows.push(['Waited until', inputs['wait-until']]);
  } else {
    rows.push(
      ['Task', report.taskArn ?? '-'],
      ['Exit code', report.exitCode === undefined ? '-' : String(report.exitCode)],
    );
  }
  if (report.error) rows.push(['Error', report.error]);
  addSummaryTable({ columns: ['Field', 'Value'], rows });
  if (report.mode === 'service' && inputs.service) {
    addSummaryLink(
      `Service ${inputs.service} in the ECS console`,
      ecsServiceUrl({ region, cluster, service: inputs.service }),
    );
  }
  if (report.strategy === 'CODE_DEPLOY' && report.deploymentId) {
    addSummaryLink(
      `CodeDeploy deployment ${report.deploymentId}`,
      codeDeployDeploymentUrl({ region, deploymentId: report.deploymentId }),
    );
  }
  if (report.taskArn)
    addSummaryLink('Task in the ECS console', ecsTaskUrl({ region, cluster, taskArn: report.taskArn }));
  const family = report.taskDefinitionArn?.split('/').pop()?.split(':');
  if (family?.[0]) {
    const revision = Number(family[1]);
    addSummaryLink(
      `Task definition ${family.join(':')}`,
      ecsTaskDefinitionUrl({ region, family: family[0], revision: Number.isNaN(revision) ? undefined : revision }),
    );
  }
  if (report.alarms) {
    addSummaryTable({
      heading: 'Deployment alarms that went off',
      columns: ['Alarm', 'State', 'Since (UTC)', 'Reason'],
      rows: report.alarms.alarms.map((alarm) => [
        alarm.name,
        alarm.state ?? '(not read)',
        alarm.since?.toISOString().replace('T', ' ').slice(0, 19) ?? '-',
        alarm.reason ?? report.alarms?.problem ?? '-',
      ]),
    });
    for (const alarm of report.alarms.alarms) {
      addSummaryLink(`Alarm ${alarm.name} in the CloudWatch console`, alarmConsoleUrl({ region, name: alarm.name }));
    }
  }
  if (report.prune) addPruneSummary(report.prune);
  addSummaryTable({
    heading: 'Timeline',
    columns: ['Time (UTC)', 'Event'],
    rows: context.timeline.entries.map((e) => [e.time.toISOString().replace('T', ' ').slice(0, 19), e.event]),
    emptyText: 'Nothing happened.',
  });
  await writeSummary();
}
