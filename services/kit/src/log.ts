/** A structured logger: one JSON object per line on stdout, which awslogs ships as one event. */
export interface Logger {
  info(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
}

/** Writes JSON lines tagged with the service name; `LOG_LEVEL=silent` turns logging off. */
export function jsonLogger(
  service: string,
  write: (line: string) => void = (line) => process.stdout.write(line),
): Logger {
  const emit = (level: string, msg: string, fields: Record<string, unknown> = {}) =>
    write(`${JSON.stringify({ time: new Date().toISOString(), level, service, msg, ...fields })}\n`);
  return {
    info: (msg, fields) => emit('info', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
  };
}

/** A logger that drops everything (tests that assert on responses, not logs). */
export const silentLogger: Logger = { info: () => {}, error: () => {} };

/** The logger a service process uses: JSON lines, or nothing when LOG_LEVEL is `silent`. */
export function processLogger(service: string): Logger {
  return process.env.LOG_LEVEL === 'silent' ? silentLogger : jsonLogger(service);
}
