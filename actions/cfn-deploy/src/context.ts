import type { Capability, CloudFormationClient, Parameter, Tag } from '@aws-sdk/client-cloudformation';
import type { Deadline } from '../../shared/src/index.js';

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
  templateBody: string;
  parameters: Parameter[];
  capabilities: Capability[];
  tags: Tag[];
  terminationProtection: boolean;
}
