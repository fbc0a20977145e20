import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The repository root (the runner's working directory for a step). */
export const repoRoot = fileURLToPath(new URL('../../../../', import.meta.url));

interface ActionYml {
  inputs?: Record<string, unknown>;
  runs?: { main?: unknown };
}

function actionYmlPath(action: string): string {
  return join(repoRoot, 'actions', action, 'action.yml');
}

function readActionYml(action: string): ActionYml {
  return (parse(readFileSync(actionYmlPath(action), 'utf8')) ?? {}) as ActionYml;
}

/** The names of the inputs `actions/<action>/action.yml` declares, in its order. */
export function declaredInputs(action: string): string[] {
  return Object.keys(readActionYml(action).inputs ?? {});
}

/**
 * The file the runner runs for `actions/<name>`: its action.yml's `runs.main`, resolved against the
 * action's folder (`../dist/<name>.js`, an entry of the shared bundle).
 * @throws Error naming the action.yml when it has no `runs.main`.
 */
export function actionMain(action: string): string {
  const file = actionYmlPath(action);
  const main = readActionYml(action).runs?.main;
  if (typeof main !== 'string' || main === '') {
    throw new Error(`expected runs.main (the file the runner runs) in ${file}, found ${JSON.stringify(main)}`);
  }
  return join(dirname(file), main);
}

/** The variable the runner sets for an input: `INPUT_<NAME>`, upper-cased, dashes kept. */
export function inputVariable(name: string): string {
  return `INPUT_${name.toUpperCase()}`;
}

/** Where a step's input names come from: an action's action.yml, or a schema's keys. */
export type InputSource = { action: string } | { inputNames: readonly string[]; from: string };

/** The declared names of `source` and where they were declared (for error messages). */
export function inputNamesOf(source: InputSource): { names: readonly string[]; from: string } {
  if ('action' in source) {
    return { names: declaredInputs(source.action), from: relative(repoRoot, actionYmlPath(source.action)) };
  }
  return { names: source.inputNames, from: source.from };
}

/**
 * Fails when a test gives an input its action does not declare: the runner would only warn
 * ("Unexpected input"), and the action would never read it, so the test would prove nothing.
 * @throws Error naming the undeclared inputs, the file and the inputs it declares.
 */
export function checkDeclaredInputs(source: InputSource, given: Iterable<string>): void {
  const { names, from } = inputNamesOf(source);
  const unknown = [...given].filter((name) => !names.includes(name));
  if (unknown.length > 0) {
    throw new Error(
      `expected only inputs ${from} declares (${names.join(', ')}), found ${unknown.map((n) => `'${n}'`).join(', ')}: ` +
        'declare the input there or stop setting it',
    );
  }
}
