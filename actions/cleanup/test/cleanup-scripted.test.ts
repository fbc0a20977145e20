import { readFileSync } from 'node:fs';
import { CloudFormationClient, DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import { DeleteTableCommand, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  captureLog,
  createStepFiles,
  prepareStep,
  readStepOutputs,
  type StepFiles,
  settle,
} from '../../shared/test/support/step.js';
import { run } from '../src/main.js';
import { type FakeResource, fakeAccount, fakeStack, PROTECTED_TABLE_REASON, stackEvent } from './support/fake-aws.js';

// CloudFormation states moto cannot reach (DELETE_FAILED, RetainResources), scripted from the API reference.

const INPUT_NAMES = ['environment', 'confirm', 'dry-run', 'keep-data', 'bootstrap-stack', 'timeout', 'region'];
const TABLE = 'dev-mysfits';
const VPC_IN_USE =
  'Resource handler returned message: "The vpc \'vpc-0a1b2c3d4e5f67890\' has dependencies and cannot be deleted. (Service: Ec2, Status Code: 400, Request ID: 6f2c9a1e-example)" (HandlerErrorCode: InvalidRequest)';

let files: StepFiles;
let log: ReturnType<typeof captureLog>;

function platformStack(extra: FakeResource[] = []) {
  return fakeStack({
    name: 'dev-platform',
    outputs: { ClusterName: 'dev-cluster', TableName: TABLE },
    resources: [
      { logicalId: 'Cluster', type: 'AWS::ECS::Cluster', physicalId: 'dev-cluster' },
      { logicalId: 'MysfitsTable', type: 'AWS::DynamoDB::Table', physicalId: TABLE },
      { logicalId: 'MonolithLogGroup', type: 'AWS::Logs::LogGroup', physicalId: '/ecs/dev/monolith' },
      ...extra,
    ],
  });
}

function networkStack(vpc: Partial<FakeResource> = {}) {
  return fakeStack({
    name: 'dev-network',
    resources: [
      { logicalId: 'Vpc', type: 'AWS::EC2::VPC', physicalId: 'vpc-0a1b2c3d4e5f67890', ...vpc },
      { logicalId: 'PublicSubnetOne', type: 'AWS::EC2::Subnet', physicalId: 'subnet-01' },
    ],
  });
}

function step(inputs: Record<string, string>): void {
  prepareStep({ files, inputNames: INPUT_NAMES, inputs: { environment: 'dev', confirm: 'dev', ...inputs } });
}

beforeAll(() => {
  files = createStepFiles('cleanup');
});

beforeEach(() => {
  vi.useFakeTimers();
  log = captureLog();
});

afterEach(() => {
  log.restore();
  vi.useRealTimers();
  process.exitCode = undefined;
});

describe('cleanup with keep-data (the default)', () => {
  it('should protect the table, delete the platform stack retaining it, and never delete the table', async () => {
    step({});
    const account = fakeAccount({
      stacks: [platformStack(), networkStack()],
      table: { name: TABLE, exists: true, deletionProtection: false },
    });

    await settle(run());

    expect(process.exitCode, log.text()).toBeUndefined();
    expect(account.calls).toEqual([
      `UpdateTable ${TABLE} DeletionProtectionEnabled=true`,
      'DeleteStack dev-platform',
      'DeleteStack dev-platform RetainResources=MysfitsTable',
      'DeleteStack dev-network',
    ]);
    const [platform, network] = account.stacks;
    expect(account.cfn.commandCalls(DeleteStackCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: platform?.id },
      { StackName: platform?.id, RetainResources: ['MysfitsTable'] },
      { StackName: network?.id },
    ]);
    expect(account.dynamodb.commandCalls(UpdateTableCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      DeletionProtectionEnabled: true,
    });
    expect(account.dynamodb.commandCalls(DeleteTableCommand)).toHaveLength(0);
    expect(account.table).toEqual({ name: TABLE, exists: true, deletionProtection: true });
    expect(account.stacks.map((s) => s.status)).toEqual(['DELETE_COMPLETE', 'DELETE_COMPLETE']);
    expect(log.text()).toContain(`Deleting dev-platform again, retaining table ${TABLE} (keep-data is true).`);
    expect(log.text()).not.toContain('::error::');

    const outputs = readStepOutputs(files.output);
    expect(JSON.parse(outputs.resources ?? '[]')).toEqual([
      { kind: 'Stack', name: 'dev-platform', action: 'delete' },
      { kind: 'Stack', name: 'dev-network', action: 'delete' },
      { kind: 'DynamoDB table', name: TABLE, action: 'keep (retained when its stack is deleted)' },
    ]);
    const summary = readFileSync(files.summary, 'utf8');
    expect(summary).toContain(
      `<td>DynamoDB table</td><td>${TABLE}</td><td>keep (retained when its stack is deleted)</td>`,
    );
    expect(summary).toContain(
      `✅ Environment dev deleted. Table ${TABLE} kept with deletion protection on (keep-data).`,
    );
    expect(summary).toContain('console.aws.amazon.com/dynamodbv2');
  });

  it('should not retain anything and fail with every reason when another resource also failed to delete', async () => {
    step({});
    const bucket = 'Bucket has objects: The bucket you tried to delete is not empty (Service: S3, Status Code: 409)';
    const account = fakeAccount({
      stacks: [
        platformStack([
          { logicalId: 'AssetsBucket', type: 'AWS::S3::Bucket', physicalId: 'dev-assets', blockedBy: bucket },
        ]),
        networkStack(),
      ],
      table: { name: TABLE, exists: true, deletionProtection: true },
    });

    await settle(run());

    expect(process.exitCode).toBe(1);
    expect(account.calls).toEqual(['DeleteStack dev-platform']);
    expect(account.table.exists).toBe(true);
    expect(log.text()).toContain(`::error::dev-platform: AssetsBucket (AWS::S3::Bucket): ${bucket}`);
    expect(log.text()).toContain(
      `::error::dev-platform: MysfitsTable (AWS::DynamoDB::Table): ${PROTECTED_TABLE_REASON}`,
    );
    const summary = readFileSync(files.summary, 'utf8');
    expect(summary).toContain('❌ Stack dev-platform ended in DELETE_FAILED');
    expect(summary).toContain(`<td>AssetsBucket</td><td>AWS::S3::Bucket</td><td>${bucket}</td>`);
  });
});

describe('cleanup with keep-data false', () => {
  it('should turn deletion protection off first and let the stack delete the table', async () => {
    step({ 'keep-data': 'false' });
    const account = fakeAccount({
      stacks: [platformStack(), networkStack()],
      table: { name: TABLE, exists: true, deletionProtection: true },
    });

    await settle(run());

    expect(process.exitCode, log.text()).toBeUndefined();
    expect(account.calls).toEqual([
      `UpdateTable ${TABLE} DeletionProtectionEnabled=false`,
      'DeleteStack dev-platform',
      'DeleteStack dev-network',
    ]);
    expect(account.table.exists).toBe(false);
    expect(readFileSync(files.summary, 'utf8')).toContain('delete with its stack (deletion protection off first)');
  });
});

describe('cleanup when a stack ends DELETE_FAILED', () => {
  it("should fail the step with the failed resource's reason in the log and the summary", async () => {
    step({ 'keep-data': 'false' });
    const network = networkStack({ blockedBy: VPC_IN_USE });
    // An earlier attempt's failure: not this run's, so it must not be reported.
    const subnet = { logicalId: 'PublicSubnetOne', type: 'AWS::EC2::Subnet', physicalId: 'subnet-01' };
    network.events.push(
      stackEvent(
        network,
        { logicalId: 'dev-network', type: 'AWS::CloudFormation::Stack', physicalId: network.id },
        'DELETE_IN_PROGRESS',
      ),
      stackEvent(network, subnet, 'DELETE_FAILED', 'an old reason from a previous run'),
    );
    const account = fakeAccount({
      stacks: [platformStack(), network],
      table: { name: TABLE, exists: true, deletionProtection: false },
    });

    await settle(run());

    expect(process.exitCode).toBe(1);
    expect(account.calls).toEqual(['DeleteStack dev-platform', 'DeleteStack dev-network']);
    expect(account.stacks.map((s) => s.status)).toEqual(['DELETE_COMPLETE', 'DELETE_FAILED']);
    const text = log.text();
    expect(text).toContain(`::error::dev-network: Vpc (AWS::EC2::VPC): ${VPC_IN_USE}`);
    expect(text).toContain('::error::Stack dev-network ended in DELETE_FAILED:%0A  - Vpc (AWS::EC2::VPC): ');
    expect(text).toContain('rerun the cleanup (it picks up where it stopped).');
    expect(text).not.toContain('an old reason from a previous run');
    const summary = readFileSync(files.summary, 'utf8');
    expect(summary).toContain('❌ Stack dev-network ended in DELETE_FAILED');
    expect(summary).toContain(`<td>Vpc</td><td>AWS::EC2::VPC</td><td>${VPC_IN_USE.replace(/"/g, '&quot;')}</td>`);
    expect(summary).toContain(encodeURIComponent(network.id));
    expect(summary).not.toContain('✅');
  });
});

// The tests above are only as good as the fake: it must refuse what CloudFormation refuses.
describe('the scripted account', () => {
  it('should refuse RetainResources on a stack that is not DELETE_FAILED, as CloudFormation does', async () => {
    step({});
    const account = fakeAccount({
      stacks: [platformStack()],
      table: { name: TABLE, exists: true, deletionProtection: false },
    });
    const client = new CloudFormationClient({ region: 'eu-west-1' });
    await expect(
      client.send(new DeleteStackCommand({ StackName: account.stacks[0]?.id, RetainResources: ['MysfitsTable'] })),
    ).rejects.toThrow('RetainResources can only be specified when the stack is in the DELETE_FAILED state');
    expect(account.stacks[0]?.status).toBe('CREATE_COMPLETE');
  });
});
