let controller: AbortController | undefined;

/**
 * One process-wide AbortSignal that aborts on the first SIGINT or SIGTERM (the runner sends
 * SIGINT, then SIGTERM, when a job is cancelled). Pass it to {@link waitUntil} so a cancelled
 * job stops polling at once and the action can clean up (e.g. roll back) before it exits.
 * The handlers are installed on first call; later calls return the same signal.
 */
export function cancellationSignal(): AbortSignal {
  if (controller) return controller.signal;
  const created = new AbortController();
  controller = created;
  const onSignal = (name: NodeJS.Signals) => {
    if (!created.signal.aborted) created.abort(new CancelledError(`cancelled by ${name}`));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  return created.signal;
}

/** Thrown by {@link waitUntil} when its signal aborts. */
export class CancelledError extends Error {
  override name = 'CancelledError';
}
