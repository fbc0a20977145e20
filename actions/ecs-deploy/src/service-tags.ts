import { type Tag, TagResourceCommand, UntagResourceCommand } from '@aws-sdk/client-ecs';
import type { DeployContext } from './context.js';

/** Keys AWS reserves (`aws:cloudformation:*`, ECS managed tags): never set, changed or removed here. */
const RESERVED = /^aws:/i;

/** What TagResource / UntagResource must do to make the live tags the file's. */
export interface TagPlan {
  set: Tag[];
  remove: string[];
}

/**
 * The service definition's `tags` are the service's whole tag set: tags it names are set, tags the
 * service has that it does not name are removed, `aws:` tags are left alone. A file without `tags`
 * leaves the service's tags as they are (manage them elsewhere then).
 * @throws Error when the file names a reserved `aws:` key, which TagResource refuses.
 */
export function planTags(want: Tag[] | undefined, live: Tag[] | undefined): TagPlan {
  if (want === undefined) return { set: [], remove: [] };
  const reserved = want.filter((t) => RESERVED.test(t.key ?? '')).map((t) => t.key);
  if (reserved.length > 0) {
    throw new Error(
      `service definition tags: expected keys of your own, found ${reserved.join(', ')}; the aws: prefix is reserved for AWS. ` +
        'Remove these tags from the file.',
    );
  }
  const have = new Map((live ?? []).map((t) => [t.key ?? '', t.value ?? '']));
  const wanted = new Set(want.map((t) => t.key ?? ''));
  return {
    set: want.filter((t) => have.get(t.key ?? '') !== (t.value ?? '')),
    remove: [...have.keys()].filter((key) => !wanted.has(key) && !RESERVED.test(key)),
  };
}

/**
 * Makes the service's tags the file's (see {@link planTags}) with TagResource / UntagResource.
 * Called before UpdateService so tasks of the new deployment start with them (propagateTags SERVICE).
 */
export async function applyServiceTags(options: {
  context: DeployContext;
  serviceArn: string;
  want: Tag[] | undefined;
  live: Tag[] | undefined;
}): Promise<TagPlan> {
  const { context, serviceArn } = options;
  const plan = planTags(options.want, options.live);
  if (plan.set.length > 0) await context.ecs.send(new TagResourceCommand({ resourceArn: serviceArn, tags: plan.set }));
  if (plan.remove.length > 0) {
    await context.ecs.send(new UntagResourceCommand({ resourceArn: serviceArn, tagKeys: plan.remove }));
  }
  if (plan.set.length > 0 || plan.remove.length > 0) {
    const parts = [
      plan.set.length > 0 ? `set ${plan.set.map((t) => t.key).join(', ')}` : '',
      plan.remove.length > 0 ? `removed ${plan.remove.join(', ')}` : '',
    ].filter(Boolean);
    context.timeline.note(`Tags of service ${context.inputs.service ?? ''}: ${parts.join('; ')}`);
  }
  return plan;
}
