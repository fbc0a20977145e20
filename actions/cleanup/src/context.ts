import type { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import type { ECRClient } from '@aws-sdk/client-ecr';
import type { ECSClient } from '@aws-sdk/client-ecs';
import type { Deadline } from '../../shared/src/index.js';

/** Clients and limits every phase of the cleanup shares. */
export interface CleanupContext {
  cfn: CloudFormationClient;
  ecs: ECSClient;
  ecr: ECRClient;
  dynamodb: DynamoDBClient;
  region: string;
  deadline: Deadline;
  signal: AbortSignal;
  intervalMs: number;
}

/** A stack that exists and will be deleted. */
export interface StackTarget {
  name: string;
  id: string;
  /** As DescribeStacks found it; DELETE_IN_PROGRESS is an earlier run's deletion, only awaited. */
  status: string;
  terminationProtection: boolean;
  outputs: Record<string, string>;
}

/** Everything the cleanup found, i.e. exactly what it will delete (or, in a dry run, would). */
export interface CleanupPlan {
  /** In deletion order: scaling stacks, service stacks, platform, network, then bootstrap when asked. */
  stacks: StackTarget[];
  cluster: string | undefined;
  /** ACTIVE service ARNs: deleted (DeleteService force), then awaited until INACTIVE. */
  services: string[];
  /**
   * DRAINING service ARNs, deleted by an earlier run or by hand: only awaited. ListServices no longer
   * lists them, so they are looked up by the names the environment's services have.
   */
  drainingServices: string[];
  /** Task definition revisions (ACTIVE ones are deregistered first) of the environment's families. */
  taskDefinitions: { arn: string; active: boolean }[];
  /** Repository name (an AWS::ECR::Repository of the stacks) → image digests. */
  images: Record<string, string[]>;
  /** Change sets left on the stacks: stack id + change set id. */
  changeSets: { stackId: string; id: string; name: string }[];
  /**
   * The environment's DynamoDB table, when it exists: named by the platform stack's `TableName`
   * output, or (no platform stack left) by platform.yml's naming, so a table kept by an earlier run
   * or left by an interrupted one is still found.
   */
  table: TableTarget | undefined;
}

/** The DynamoDB table; platform.yml retains it (DeletionPolicy Retain) when its stack is deleted. */
export interface TableTarget {
  name: string;
  deletionProtection: boolean;
  /** The stack that still holds the table, or undefined when the table outlived its stack. */
  stack: string | undefined;
}
