// The floor for latency on this machine: a bare node:http server that answers a fixed JSON body.
// Whatever latency it shows at the bench's rate is the machine's, not the services'.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const body = JSON.stringify({ status: 'ok' });
const server = createServer((_request, response) => {
  response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
});
server.listen(0, '127.0.0.1', () => {
  process.send?.({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` });
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => process.exit(0));
});
// Never outlive the bench: when it goes away (even killed), so does this process.
process.once('disconnect', () => process.exit(0));
