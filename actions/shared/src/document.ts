import { readFile } from 'node:fs/promises';
import { extname } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { isObject, type JsonObject } from './json.js';

/**
 * Reads a JSON or YAML file holding one object (a task or service definition).
 * `.json` is parsed as JSON, `.yml`/`.yaml` as YAML, anything else as YAML (a superset of JSON).
 * YAML merge keys (`<<: *defaults`) are honoured: the yaml package keeps them as a literal `<<`
 * key under its YAML 1.2 default, and a merged container would lose what it merges.
 * @throws Error naming the file and the parse problem.
 */
export async function readDocument(path: string, what: string): Promise<JsonObject> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new Error(
      `expected a ${what} file at '${path}' (relative to ${process.cwd()}), found ${code === 'ENOENT' ? 'no such file' : String(err)}. Check the path and that the repository is checked out.`,
    );
  }
  let parsed: unknown;
  try {
    parsed = extname(path).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text, { merge: true });
  } catch (err) {
    throw new Error(
      `${what} file '${path}' is not valid ${extname(path) === '.json' ? 'JSON' : 'YAML'}: ${String(err)}`,
    );
  }
  if (!isObject(parsed)) {
    throw new Error(
      `expected ${what} file '${path}' to hold one object, found ${Array.isArray(parsed) ? 'an array' : typeof parsed}`,
    );
  }
  return parsed;
}
