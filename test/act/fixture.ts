// What every act scenario shares: one moto server (reset between scenarios) and the local stack
// on 127.0.0.1, whose address moto gives as the load balancer's DNS name in the platform stack's
// PublicUrl (moto_server.py), so the verify job reaches the real services.
import { fileURLToPath } from 'node:url';
import { type LocalStack, startLocalStack } from '../../services/local/src/local-stack.js';
import { type MotoServer, startMoto } from '../support/moto.js';

const launcher = fileURLToPath(new URL('./moto_server.py', import.meta.url));

export interface ActFixture {
  moto: MotoServer;
  stack: LocalStack;
  /** Empties moto and sets it up again as the act run needs it. */
  reset(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * moto's ECS tasks advance one state per DescribeTasks, which makes the seed job's one-off task
 * take four of ecs-deploy's 15 s polls; immediate progression lets it finish on the first look.
 */
async function fastTasks(endpoint: string): Promise<void> {
  const response = await fetch(`${endpoint}/moto-api/state-manager/set-transition`, {
    method: 'POST',
    body: JSON.stringify({ model_name: 'ecs::task', transition: { progression: 'immediate' } }),
  });
  if (!response.ok) throw new Error(`moto set-transition failed: HTTP ${response.status} ${await response.text()}`);
}

export async function startActFixture(): Promise<ActFixture> {
  const stack = await startLocalStack({ port: 0, hostname: '127.0.0.1', log: () => {} });
  const moto = await startMoto({
    launcher,
    env: { ACT_PUBLIC_HOST: new URL(stack.url).host },
  });
  await fastTasks(moto.endpoint);
  return {
    moto,
    stack,
    async reset() {
      await moto.reset();
      await fastTasks(moto.endpoint);
    },
    async stop() {
      await moto.stop();
      await stack.stop();
    },
  };
}
