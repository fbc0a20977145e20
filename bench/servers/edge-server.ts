// The local edge router (services/local) in its own process, as the ALB is a separate hop.
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createEdgeRouter } from '../../services/local/src/edge-router.js';
import { loadListenerRules } from '../../services/local/src/listener-rules.js';

const monolith = process.env.MONOLITH_URL;
const like = process.env.LIKE_URL;
if (!monolith || !like) throw new Error('Expected MONOLITH_URL and LIKE_URL (http://127.0.0.1:port), found none.');
const listener = await loadListenerRules();
const router = createEdgeRouter({ listener, upstreams: { monolith, like } });
const server = serve({ fetch: router.fetch, port: 0, hostname: '127.0.0.1' }, (info: AddressInfo) => {
  process.send?.({ url: `http://127.0.0.1:${info.port}` });
});
process.once('SIGTERM', () => {
  server.close(() => process.exit(0));
  (server as { closeAllConnections?: () => void }).closeAllConnections?.();
});

// Never outlive the bench: when it goes away (even killed), so does this process.
process.once('disconnect', () => process.exit(0));
