import * as core from '@actions/core';

/** Options for {@link addSummaryTable}. */
export interface SummaryTableOptions {
  /** Optional heading (h3) above the table. */
  heading?: string;
  /** Column titles. */
  columns: string[];
  /** Cells as plain text; they are HTML-escaped. */
  rows: string[][];
  /** Shown instead of an empty table. */
  emptyText?: string;
}

/** Escapes text for the job summary, which is Markdown/HTML. */
export function escapeHtml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/**
 * Appends a table (with header row) to the job summary buffer. Call {@link writeSummary} at the end.
 */
export function addSummaryTable(options: SummaryTableOptions): void {
  if (options.heading) core.summary.addHeading(escapeHtml(options.heading), 3);
  if (options.rows.length === 0) {
    core.summary.addRaw(`<p>${escapeHtml(options.emptyText ?? 'Nothing to show.')}</p>`, true);
    return;
  }
  core.summary.addTable([
    options.columns.map((title) => ({ data: escapeHtml(title), header: true })),
    ...options.rows.map((row) => row.map((cell) => escapeHtml(cell))),
  ]);
}

/** Appends a labelled link (e.g. an AWS console deep link) to the job summary buffer. */
export function addSummaryLink(text: string, url: string): void {
  core.summary.addRaw(`<p><a href="${escapeHtml(url)}">${escapeHtml(text)}</a></p>`, true);
}

/**
 * Renders rows as an aligned plain-text table for the log (the summary gets the HTML table).
 */
export function formatTextTable(columns: string[], rows: string[][]): string {
  const widths = columns.map((title, i) => Math.max(title.length, ...rows.map((row) => (row[i] ?? '').length)));
  const line = (cells: string[]) =>
    cells
      .map((cell, i) => cell.padEnd(widths[i] ?? 0))
      .join('  ')
      .trimEnd();
  return [line(columns), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/**
 * Writes the buffered job summary to GITHUB_STEP_SUMMARY. Outside a runner (no such variable)
 * the buffer is dropped with a debug line instead of failing the step.
 */
export async function writeSummary(): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) {
    core.debug('GITHUB_STEP_SUMMARY is not set; job summary skipped');
    core.summary.emptyBuffer();
    return;
  }
  await core.summary.write();
}
