import {
  CloudFormationClient,
  DeleteStackCommand,
  type DeleteStackCommandInput,
  DescribeStackEventsCommand,
  type DescribeStackEventsCommandInput,
  DescribeStacksCommand,
  type DescribeStacksCommandInput,
  ListChangeSetsCommand,
  ListStackResourcesCommand,
  type ListStackResourcesCommandInput,
  ListStacksCommand,
  type ResourceStatus,
  type StackEvent,
  type StackStatus,
} from '@aws-sdk/client-cloudformation';
import {
  DeleteTableCommand,
  type DeleteTableCommandInput,
  DescribeTableCommand,
  type DescribeTableCommandInput,
  DynamoDBClient,
  UpdateTableCommand,
  type UpdateTableCommandInput,
} from '@aws-sdk/client-dynamodb';
import { ECRClient } from '@aws-sdk/client-ecr';
import { ECSClient } from '@aws-sdk/client-ecs';
import { mockClient } from 'aws-sdk-client-mock';
import { type FakeEcsState, installFakeEcs } from './fake-ecs.js';

/*
 * A scripted account for the cleanup's stack and table phases, modelled on the CloudFormation and
 * DynamoDB API references (moto has no DELETE_FAILED): DeleteStack skips a resource with
 * DeletionPolicy Retain (DELETE_SKIPPED, the resource lives on) and deletes the others unless blocked
 * or a table with deletion protection on; a stack with a failed resource ends DELETE_FAILED. A stack
 * whose export another live stack imports is not deleted at all: it keeps its status, with the
 * reason "Export … cannot be deleted as it is in use by …" (what CloudFormation reports then).
 * ListStackResources lists the resources with their current status.
 * DeleteTable refuses a protected table; a deleted table reports DELETING once, then is gone.
 */

const ACCOUNT = '123456789012';
const REGION = 'eu-west-1';
// What DynamoDB answers DeleteTable on a protected table (ValidationException).
export const PROTECTED_TABLE_MESSAGE =
  'Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first.';
// What CloudFormation reports when its DeleteTable hits a protected table.
export const PROTECTED_TABLE_REASON =
  'Resource handler returned message: "Resource cannot be deleted as it is currently protected against deletion. Disable deletion protection first. (Service: DynamoDb, Status Code: 400, Request ID: 5S1Q7K0V8EXAMPLE)" (RequestToken: 0c5e4bd8-example, HandlerErrorCode: InvalidRequest)';

/** One resource of a fake stack. */
export interface FakeResource {
  logicalId: string;
  type: string;
  physicalId: string;
  status?: ResourceStatus;
  /**
   * When set, deleting this resource fails with this reason (a non-empty bucket, a VPC in use); a
   * function is asked at the time of the DeleteStack (a cluster that still has services).
   */
  blockedBy?: string | (() => string | undefined);
  /** The template's DeletionPolicy; CloudFormation's default is Delete. */
  deletionPolicy?: 'Delete' | 'Retain';
}

/** One fake stack; `events` are oldest first. */
export interface FakeStack {
  name: string;
  id: string;
  status: StackStatus;
  statusReason?: string;
  parameters: Record<string, string>;
  outputs: Record<string, string>;
  /** Export names of its outputs, and the export names it imports (Fn::ImportValue). */
  exports: string[];
  imports: string[];
  resources: FakeResource[];
  events: StackEvent[];
  /** Statuses DescribeStacks still reports before the current operation's final one. */
  pending: StackStatus[];
  final: StackStatus;
}

/** The DynamoDB table of the environment. */
export interface FakeTable {
  name: string;
  exists: boolean;
  deletionProtection: boolean;
  /** Set by DeleteTable: DescribeTable answers DELETING once more, then the table is gone. */
  deleting?: boolean;
}

let clock = 0;

/** A stack in CREATE_COMPLETE with the given resources; its EnvironmentName parameter is `dev` unless given. */
export function fakeStack(options: {
  name: string;
  parameters?: Record<string, string>;
  outputs?: Record<string, string>;
  exports?: string[];
  imports?: string[];
  resources: FakeResource[];
  events?: StackEvent[];
}): FakeStack {
  clock += 1;
  return {
    name: options.name,
    id: `arn:aws:cloudformation:${REGION}:${ACCOUNT}:stack/${options.name}/0b1c2d3e-0000-4000-8000-${String(clock).padStart(12, '0')}`,
    status: 'CREATE_COMPLETE',
    parameters: options.parameters ?? { EnvironmentName: 'dev' },
    outputs: options.outputs ?? {},
    exports: options.exports ?? [],
    imports: options.imports ?? [],
    resources: options.resources.map((r) => ({ status: 'CREATE_COMPLETE', ...r })),
    events: options.events ?? [],
    pending: [],
    final: 'CREATE_COMPLETE',
  };
}

/** A StackEvent (API reference shape), timestamped in order. */
export function stackEvent(
  stack: Pick<FakeStack, 'name' | 'id'>,
  resource: { logicalId: string; type: string; physicalId: string },
  status: ResourceStatus,
  reason?: string,
): StackEvent {
  clock += 1;
  return {
    StackId: stack.id,
    StackName: stack.name,
    EventId: `${resource.logicalId}-${status}-${clock}`,
    LogicalResourceId: resource.logicalId,
    PhysicalResourceId: resource.physicalId,
    ResourceType: resource.type,
    Timestamp: new Date(Date.UTC(2026, 0, 1) + clock * 1000),
    ResourceStatus: status,
    ...(reason ? { ResourceStatusReason: reason } : {}),
  };
}

function validationError(message: string): Error {
  return Object.assign(new Error(message), { name: 'ValidationError' });
}

/** No services, task definitions or repositories: the default ECS/ECR side of the account. */
export function emptyEcs(): FakeEcsState {
  return { cluster: { name: 'dev-cluster', exists: true }, services: [], revisions: [], repositories: [] };
}

/** Mocks the four clients the cleanup uses with the fake account; `calls` lists writes in order. */
export function fakeAccount(options: { stacks: FakeStack[]; table: FakeTable; ecs?: FakeEcsState }) {
  const { stacks, table } = options;
  const ecsState = options.ecs ?? emptyEcs();
  const calls: string[] = [];
  const cfn = mockClient(CloudFormationClient);
  const ecs = mockClient(ECSClient);
  const ecr = mockClient(ECRClient);
  const dynamodb = mockClient(DynamoDBClient);
  const find = (nameOrId: string | undefined) =>
    stacks.find((s) => s.id === nameOrId || (s.name === nameOrId && s.status !== 'DELETE_COMPLETE'));

  cfn.on(ListStacksCommand).callsFake(async () => ({
    StackSummaries: stacks.map((s) => ({
      StackId: s.id,
      StackName: s.name,
      StackStatus: s.status,
      CreationTime: new Date(0),
    })),
  }));
  cfn.on(DescribeStacksCommand).callsFake(async (input: DescribeStacksCommandInput) => {
    const stack = find(input.StackName);
    if (!stack) throw validationError(`Stack with id ${input.StackName} does not exist`);
    const status = stack.pending.shift() ?? stack.final;
    stack.status = status;
    // A deleted stack is still described by its unique id, no longer by its name (DescribeStacks reference).
    if (status === 'DELETE_COMPLETE' && input.StackName !== stack.id) {
      throw validationError(`Stack with id ${input.StackName} does not exist`);
    }
    return {
      Stacks: [
        {
          StackId: stack.id,
          StackName: stack.name,
          StackStatus: status,
          ...(stack.statusReason ? { StackStatusReason: stack.statusReason } : {}),
          CreationTime: new Date(0),
          EnableTerminationProtection: false,
          Parameters: Object.entries(stack.parameters).map(([ParameterKey, ParameterValue]) => ({
            ParameterKey,
            ParameterValue,
          })),
          Outputs: Object.entries(stack.outputs).map(([OutputKey, OutputValue]) => ({ OutputKey, OutputValue })),
        },
      ],
    };
  });
  cfn.on(ListChangeSetsCommand).resolves({ Summaries: [] });
  cfn.on(DeleteStackCommand).callsFake(async (input: DeleteStackCommandInput) => {
    const stack = find(input.StackName);
    if (!stack) return {};
    const retain = input.RetainResources ?? [];
    // The cleanup never retains by hand any more (the template's DeletionPolicy does): record it if it does.
    calls.push(`DeleteStack ${stack.name}${retain.length ? ` RetainResources=${retain.join(',')}` : ''}`);
    const importers = stacks.filter(
      (other) => other.status !== 'DELETE_COMPLETE' && other.imports.some((name) => stack.exports.includes(name)),
    );
    const inUse = stack.exports.find((name) => importers.some((other) => other.imports.includes(name)));
    if (inUse) {
      stack.statusReason = `Export ${inUse} cannot be deleted as it is in use by ${importers.map((o) => o.name).join(' and ')}`;
      return {};
    }
    deleteResources(stack, table);
    return {};
  });
  cfn.on(ListStackResourcesCommand).callsFake(async (input: ListStackResourcesCommandInput) => {
    const stack = find(input.StackName);
    if (!stack) throw validationError(`Stack with id ${input.StackName} does not exist`);
    return {
      StackResourceSummaries: stack.resources.map((r) => ({
        LogicalResourceId: r.logicalId,
        PhysicalResourceId: r.physicalId,
        ResourceType: r.type,
        ResourceStatus: r.status,
        LastUpdatedTimestamp: new Date(0),
      })),
    };
  });
  cfn.on(DescribeStackEventsCommand).callsFake(async (input: DescribeStackEventsCommandInput) => ({
    StackEvents: [...(find(input.StackName)?.events ?? [])].reverse(),
  }));

  const notFound = (name: string | undefined) =>
    Object.assign(new Error(`Requested resource not found: Table: ${name} not found`), {
      name: 'ResourceNotFoundException',
    });
  dynamodb.on(DescribeTableCommand).callsFake(async (input: DescribeTableCommandInput) => {
    if (!table.exists || input.TableName !== table.name) throw notFound(input.TableName);
    const status = table.deleting ? 'DELETING' : 'ACTIVE';
    if (table.deleting) table.exists = false;
    return {
      Table: { TableName: table.name, TableStatus: status, DeletionProtectionEnabled: table.deletionProtection },
    };
  });
  dynamodb.on(DeleteTableCommand).callsFake(async (input: DeleteTableCommandInput) => {
    calls.push(`DeleteTable ${input.TableName}`);
    if (!table.exists || input.TableName !== table.name) throw notFound(input.TableName);
    if (table.deletionProtection) {
      throw Object.assign(new Error(PROTECTED_TABLE_MESSAGE), { name: 'ValidationException' });
    }
    table.deleting = true;
    return { TableDescription: { TableName: table.name, TableStatus: 'DELETING' } };
  });
  dynamodb.on(UpdateTableCommand).callsFake(async (input: UpdateTableCommandInput) => {
    calls.push(`UpdateTable ${input.TableName} DeletionProtectionEnabled=${input.DeletionProtectionEnabled}`);
    if (input.DeletionProtectionEnabled !== undefined) table.deletionProtection = input.DeletionProtectionEnabled;
    return { TableDescription: { TableName: table.name, TableStatus: 'ACTIVE' } };
  });

  installFakeEcs({ ecs, ecr, state: ecsState, calls });

  return { cfn, ecs, ecr, dynamodb, calls, stacks, table, ecsState };
}

// One DeleteStack: the resources newest first (reverse creation order), each deleted, skipped or failed.
function deleteResources(stack: FakeStack, table: FakeTable): void {
  const self = { logicalId: stack.name, type: 'AWS::CloudFormation::Stack', physicalId: stack.id };
  stack.events.push(stackEvent(stack, self, 'DELETE_IN_PROGRESS', 'User Initiated'));
  let failed = false;
  for (const resource of [...stack.resources].reverse()) {
    if (resource.status === 'DELETE_COMPLETE' || resource.status === 'DELETE_SKIPPED') continue;
    if (resource.deletionPolicy === 'Retain') {
      resource.status = 'DELETE_SKIPPED';
      stack.events.push(stackEvent(stack, resource, 'DELETE_SKIPPED'));
      continue;
    }
    const isTable = resource.type === 'AWS::DynamoDB::Table' && resource.physicalId === table.name;
    const blocker = typeof resource.blockedBy === 'function' ? resource.blockedBy() : resource.blockedBy;
    const reason = isTable && table.deletionProtection ? PROTECTED_TABLE_REASON : blocker;
    stack.events.push(stackEvent(stack, resource, 'DELETE_IN_PROGRESS'));
    if (reason) {
      failed = true;
      resource.status = 'DELETE_FAILED';
      stack.events.push(stackEvent(stack, resource, 'DELETE_FAILED', reason));
      continue;
    }
    if (isTable) table.exists = false;
    resource.status = 'DELETE_COMPLETE';
    stack.events.push(stackEvent(stack, resource, 'DELETE_COMPLETE'));
  }
  const failedIds = stack.resources.filter((r) => r.status === 'DELETE_FAILED').map((r) => r.logicalId);
  const final: StackStatus = failed ? 'DELETE_FAILED' : 'DELETE_COMPLETE';
  stack.events.push(
    stackEvent(
      stack,
      self,
      final,
      failed ? `The following resource(s) failed to delete: [${failedIds.join(', ')}]. ` : undefined,
    ),
  );
  stack.status = 'DELETE_IN_PROGRESS';
  stack.pending = ['DELETE_IN_PROGRESS'];
  stack.final = final;
}
