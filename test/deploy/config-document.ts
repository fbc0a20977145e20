import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { configPath, parseDeployConfig } from '../../deploy/config.js';

/** deploy/config.yml as its YAML document, for a test to change before parsing it. */
export type ConfigDocument = {
  environments: Record<string, Record<string, unknown> & { services?: Record<string, Record<string, unknown>> }>;
  services: Record<string, Record<string, unknown>>;
  strategies: Record<string, unknown>;
};

/** deploy/config.yml as written. */
export function configDocument(): ConfigDocument {
  return parse(readFileSync(configPath, 'utf8')) as ConfigDocument;
}

/** What deploy/config.ts says is wrong with a document: its error message, '' when it parses. */
export function configProblems(doc: unknown): string {
  try {
    parseDeployConfig(doc);
    return '';
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  }
}
