import * as core from '@actions/core';
import { ecsTaskDefinitionUrl } from '../../shared/src/console-links.js';
import type { JsonObject } from '../../shared/src/json.js';
import { addSummaryLink, addSummaryTable, escapeHtml, writeSummary } from '../../shared/src/summary.js';
import { containerDefinitions } from './containers.js';
import type { LiveRevision } from './live-revision.js';

/** What the summary reports about one render. */
export interface RenderReport {
  source: string;
  output: string;
  definition: JsonObject;
  resolved: ReadonlyMap<string, string>;
  removed: string[];
  live: LiveRevision | undefined;
  /** Why the live revision was not looked up (compare-with-live), when it was not. */
  notCompared: string | undefined;
  diff: string;
  region: string | undefined;
}

function liveText(report: RenderReport): string {
  if (report.notCompared) return `not compared: ${report.notCompared}`;
  if (!report.live) return 'none: this will be the first revision';
  return `${report.live.arn} (revision ${report.live.revision})`;
}

function changesText(report: RenderReport): string {
  if (report.notCompared) return 'unknown (not compared)';
  if (!report.live) return 'first revision';
  return report.diff ? 'yes (diff below)' : 'none';
}

/** Writes the job summary: facts table, resolved placeholders, and the diff against the live revision. */
export async function writeRenderSummary(report: RenderReport): Promise<void> {
  const family = String(report.definition.family);
  const containers = containerDefinitions(report.definition);
  core.summary.addHeading(`Task definition ${escapeHtml(family)}`, 2);
  addSummaryTable({
    columns: ['Field', 'Value'],
    rows: [
      ['Source file', report.source],
      ['Rendered file', report.output],
      ['Containers', containers.map((c) => `${String(c.name)} = ${String(c.image)}`).join('; ')],
      ['cpu / memory', `${String(report.definition.cpu ?? '-')} / ${String(report.definition.memory ?? '-')}`],
      ['Read-only fields removed', report.removed.join(', ') || 'none'],
      ['Live revision', liveText(report)],
      ['Changes', changesText(report)],
    ],
  });
  addSummaryTable({
    heading: 'Placeholders',
    columns: ['Placeholder', 'Value'],
    rows: [...report.resolved].map(([text, value]) => [text, value]),
    emptyText: 'The file has no placeholders.',
  });
  if (report.live && report.diff) {
    core.summary.addDetails(
      `Diff against revision ${report.live.revision}`,
      `<pre lang="diff">${escapeHtml(report.diff)}</pre>`,
    );
  }
  if (report.region)
    addSummaryLink(`${family} in the ECS console`, ecsTaskDefinitionUrl({ region: report.region, family }));
  await writeSummary();
}
