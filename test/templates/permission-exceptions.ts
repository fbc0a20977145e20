import { readFileSync } from 'node:fs';
import type { CfnTemplate } from '@mysfits/cfn-template';
import { parse } from 'yaml';
import { z } from 'zod/mini';
import type { Denial } from './iam-evaluate.js';

const exceptionSchema = z.object({
  reason: z.string().check(z.minLength(20)),
  /** Properties (dotted paths) that would make the permission needed: none of the type's resources may set them. */
  whenSet: z.optional(z.array(z.string())),
});
const fileSchema = z.record(z.string(), z.record(z.string(), exceptionSchema));
export type Exceptions = z.infer<typeof fileSchema>;

export const exceptionsFile = 'test/templates/permission-exceptions.yml';

export function readExceptions(): Exceptions {
  return fileSchema.parse(parse(readFileSync(new URL('./permission-exceptions.yml', import.meta.url), 'utf8')));
}

function propertyAt(properties: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>(
      (value, key) => (value && typeof value === 'object' ? (value as Record<string, unknown>)[key] : undefined),
      properties,
    );
}

export interface Review {
  /** Denials with no reason in the file: each one fails the proof. */
  unexplained: Denial[];
  /** Reasons that no longer hold: a template now sets the property that makes the permission needed. */
  broken: string[];
  /** `owner action` keys of reasons that matched a denial. */
  used: Set<string>;
}

/** Splits denials into those the reasons file explains and the rest. */
export function review(denials: Denial[], exceptions: Exceptions, templates: Record<string, CfnTemplate>): Review {
  const unexplained: Denial[] = [];
  const broken = new Set<string>();
  const used = new Set<string>();
  for (const denial of denials) {
    const exception = exceptions[denial.need.owner]?.[denial.need.action];
    if (exception === undefined) {
      unexplained.push(denial);
      continue;
    }
    used.add(`${denial.need.owner} ${denial.need.action}`);
    for (const [file, template] of Object.entries(templates)) {
      for (const [id, resource] of Object.entries(template.Resources)) {
        if (resource.Type !== denial.need.owner) continue;
        for (const path of exception.whenSet ?? []) {
          if (propertyAt(resource.Properties, path) !== undefined) {
            broken.add(
              `${exceptionsFile}: ${denial.need.owner} ${denial.need.action} is excused "${exception.reason}", but ${file} ${id} sets ${path}: allow it in bootstrap.yml instead.`,
            );
          }
        }
      }
    }
  }
  return { unexplained, broken: [...broken], used };
}

/** Reasons in the file that no denial needed: the permission is allowed now, or no longer listed. */
export function unusedExceptions(exceptions: Exceptions, used: Set<string>): string[] {
  return Object.entries(exceptions).flatMap(([owner, actions]) =>
    Object.keys(actions)
      .filter((action) => !used.has(`${owner} ${action}`))
      .map((action) => `${owner} ${action}`),
  );
}
