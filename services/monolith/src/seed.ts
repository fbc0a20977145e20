import type { Logger } from '@mysfits/kit/log';
import { seedMysfits } from './data/mysfits.js';
import type { MysfitsStore } from './store.js';

/** Creates the twelve mysfits that are missing; existing ones (likes, adoption) are left alone. */
export async function seed(store: MysfitsStore, logger: Logger): Promise<{ created: number; existing: number }> {
  const results = await Promise.all(seedMysfits.map((mysfit) => store.createIfAbsent(mysfit)));
  const created = results.filter(Boolean).length;
  const summary = { created, existing: results.length - created };
  logger.info('seed finished', summary);
  return summary;
}
