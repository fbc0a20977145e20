// `npm start`: the whole product on this machine, no AWS account and no Docker. See local-stack.ts.
import { startLocalStack } from './local-stack.js';

const portText = process.env.PORT ?? '8080';
const port = Number(portText);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  process.stderr.write(`PORT must be a port number (0-65535); found '${portText}'. Unset it to use 8080.\n`);
  process.exit(2);
}
// Loopback only unless asked otherwise: the local stack has no authentication of any kind.
const hostname = process.env.HOST ?? '127.0.0.1';

try {
  const stack = await startLocalStack({
    port,
    hostname,
    onUnexpectedExit: (error) => {
      process.stderr.write(`${error.message}\n`);
      process.exit(1);
    },
  });
  const shown = hostname === '127.0.0.1' ? stack.url.replace('127.0.0.1', 'localhost') : stack.url;
  process.stdout.write(`\nMythical Mysfits is running at ${shown}  (Ctrl-C stops everything)\n\n`);
  const shutdown = (signal: NodeJS.Signals) => {
    process.stdout.write(`\n${signal} received: stopping the services and dynalite…\n`);
    void stack.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
} catch (error) {
  process.stderr.write(`The local stack did not start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
