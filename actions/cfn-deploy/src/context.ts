import type { Capability, CloudFormationClient, Parameter, Tag } from '@aws-sdk/client-cloudformation';
import type { Deadline } from '../../shared/src/index.js';
import type { TemplateSource } from './template.js';

/** What every phase needs: the client, the step's deadline, the cancel signal and poll interval. */
export interface DeployContext {
  client: CloudFormationClient;
  region: string;
  deadline: Deadline;
  signal: AbortSignal;
  intervalMs: number;
}

/** The desired stack, as the inputs describe it. */
export interface StackSpec {
  stackName: string;
  /** Spread into CreateStack, CreateChangeSet and GetTemplateSummary: TemplateBody or TemplateURL. */
  template: TemplateSource;
  /** The parameters the inputs give a value to. */
  parameters: Parameter[];
  /** Parameters an update sends back to their template defaults instead of keeping the stack's value. */
  resetParameters: string[];
  capabilities: Capability[];
  /** The whole tag set; undefined leaves an existing stack's tags as they are. */
  tags: Tag[] | undefined;
  /** undefined leaves an existing stack's setting as it is (and a new stack unprotected). */
  terminationProtection: boolean | undefined;
}
