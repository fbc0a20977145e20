import model from './ecs-model.json' with { type: 'json' };

/**
 * One shape of the ECS API model (scripts/extract-ecs-model.ts): a structure's members name other
 * shapes; lists, maps and scalars carry the model's own limits (min/max are lengths for strings,
 * item counts for lists and values for numbers).
 */
export interface EcsShape {
  type: string;
  members?: Record<string, string>;
  required?: string[];
  member?: string;
  key?: string;
  value?: string;
  enum?: string[];
  min?: number;
  max?: number;
  pattern?: string;
  union?: boolean;
}

const shapes = model.shapes as Record<string, EcsShape>;

/** The versions of botocore and @aws-sdk/client-ecs the model was extracted from. */
export const ECS_MODEL_SOURCES: Readonly<Record<string, string>> = model.sources;

/**
 * A shape of the model by name.
 * @throws Error when the model has no such shape (a bug here, not in the user's file).
 */
export function ecsShape(name: string): EcsShape {
  const shape = shapes[name];
  if (!shape) throw new Error(`the ECS model has no shape '${name}'; regenerate it with scripts/extract-ecs-model.ts`);
  return shape;
}

/** The member names of a structure shape, in the model's order. */
export function ecsMembers(name: string): string[] {
  return Object.keys(ecsShape(name).members ?? {});
}
