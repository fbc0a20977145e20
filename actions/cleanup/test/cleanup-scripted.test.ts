import { CloudFormationClient, DeleteStackCommand } from '@aws-sdk/client-cloudformation';
import { DeleteTableCommand, DynamoDBClient, UpdateTableCommand } from '@aws-sdk/client-dynamodb';
import { describe, expect, it } from 'vitest';
import { useActionStep } from '../../shared/test/support/action-step.js';
import { run } from '../src/main.js';
import {
  type FakeResource,
  type FakeTable,
  fakeAccount,
  fakeStack,
  PROTECTED_TABLE_MESSAGE,
  PROTECTED_TABLE_REASON,
  stackEvent,
} from './support/fake-aws.js';
import { resourceRows } from './support/fake-environment.js';

// CloudFormation states moto cannot reach (DELETE_FAILED, DELETE_SKIPPED events), scripted from the API reference.

const TABLE = 'dev-mysfits';
const VPC_IN_USE =
  'Resource handler returned message: "The vpc \'vpc-0a1b2c3d4e5f67890\' has dependencies and cannot be deleted. (Service: Ec2, Status Code: 400, Request ID: 6f2c9a1e-example)" (HandlerErrorCode: InvalidRequest)';

/** The platform stack as platform.yml makes it; `tablePolicy: 'Delete'` is one deployed before it retained the table. */
function platformStack(extra: FakeResource[] = [], tablePolicy: 'Delete' | 'Retain' = 'Retain') {
  return fakeStack({
    name: 'dev-platform',
    outputs: { ClusterName: 'dev-cluster', TableName: TABLE },
    resources: [
      { logicalId: 'Cluster', type: 'AWS::ECS::Cluster', physicalId: 'dev-cluster' },
      { logicalId: 'MysfitsTable', type: 'AWS::DynamoDB::Table', physicalId: TABLE, deletionPolicy: tablePolicy },
      { logicalId: 'LoadBalancer', type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', physicalId: 'dev-alb' },
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

function table(state: Partial<FakeTable> = {}): FakeTable {
  return { name: TABLE, exists: true, deletionProtection: false, ...state };
}

const cleanup = useActionStep({
  action: 'cleanup',
  defaults: { environment: 'dev', confirm: 'dev', 'dry-run': 'false' },
});
const rows = () => resourceRows(cleanup);

describe('cleanup with keep-data (the default)', () => {
  it('should delete the stacks and keep the table their DeletionPolicy retains, never deleting it', async () => {
    cleanup.start({});
    const account = fakeAccount({ stacks: [platformStack(), networkStack()], table: table() });

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(account.calls).toEqual([
      `UpdateTable ${TABLE} DeletionProtectionEnabled=true`,
      'DeleteStack dev-platform',
      'DeleteStack dev-network',
    ]);
    const [platform, network] = account.stacks;
    expect(account.cfn.commandCalls(DeleteStackCommand).map((c) => c.args[0].input)).toEqual([
      { StackName: platform?.id },
      { StackName: network?.id },
    ]);
    expect(account.dynamodb.commandCalls(UpdateTableCommand)[0]?.args[0].input).toEqual({
      TableName: TABLE,
      DeletionProtectionEnabled: true,
    });
    expect(account.dynamodb.commandCalls(DeleteTableCommand)).toHaveLength(0);
    expect(account.table).toEqual({ name: TABLE, exists: true, deletionProtection: true });
    expect(platform?.resources.find((r) => r.logicalId === 'MysfitsTable')?.status).toBe('DELETE_SKIPPED');
    expect(account.stacks.map((s) => s.status)).toEqual(['DELETE_COMPLETE', 'DELETE_COMPLETE']);
    expect(cleanup.log()).not.toContain('::error::');
    expect(cleanup.log()).toContain(`::notice::Table ${TABLE} was kept with its data`);

    expect(rows()).toEqual([
      { kind: 'Stack', name: 'dev-platform', action: 'delete' },
      { kind: 'Stack', name: 'dev-network', action: 'delete' },
      { kind: 'DynamoDB table', name: TABLE, action: 'keep (its stack retains it, deletion protection on first)' },
    ]);
    const summary = cleanup.summary();
    expect(summary).toContain(`✅ Environment dev deleted. Table ${TABLE} was kept with its data`);
    expect(summary).toContain(
      'must be deleted — or imported into the new stack — before the platform stack of dev can be created again under the same name',
    );
    expect(summary).toContain(`dynamodbv2/home?region=eu-west-1#table?name=${TABLE}`);
  });

  it('should delete the EC2 capacity stack after the platform (its cluster lists the capacity provider) and before the network', async () => {
    cleanup.start({});
    const ec2 = fakeStack({
      name: 'dev-ec2-capacity',
      resources: [
        { logicalId: 'CapacityProvider', type: 'AWS::ECS::CapacityProvider', physicalId: 'dev-ec2' },
        { logicalId: 'AutoScalingGroup', type: 'AWS::AutoScaling::AutoScalingGroup', physicalId: 'dev-ec2-asg' },
      ],
    });
    const account = fakeAccount({ stacks: [networkStack(), ec2, platformStack()], table: table() });

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(account.calls.filter((call) => call.startsWith('DeleteStack'))).toEqual([
      'DeleteStack dev-platform',
      'DeleteStack dev-ec2-capacity',
      'DeleteStack dev-network',
    ]);
  });

  it('should find nothing to do on a second run and still point at the kept table', async () => {
    cleanup.start({});
    const account = fakeAccount({ stacks: [], table: table({ deletionProtection: true }) });

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(account.calls).toEqual([]);
    expect(cleanup.outputs().count).toBe('0');
    expect(cleanup.log()).toContain('Nothing to delete: environment dev is already clean.');
    expect(cleanup.summary()).toContain(`Table ${TABLE} was kept with its data`);
  });

  it('should fail, table intact, when the platform stack predates DeletionPolicy Retain', async () => {
    cleanup.start({});
    const account = fakeAccount({ stacks: [platformStack([], 'Delete'), networkStack()], table: table() });

    await cleanup.run(run);

    expect(process.exitCode).toBe(1);
    expect(account.calls).toEqual([`UpdateTable ${TABLE} DeletionProtectionEnabled=true`, 'DeleteStack dev-platform']);
    expect(account.table.exists).toBe(true);
    const text = cleanup.log();
    expect(text).toContain(`::error::dev-platform: MysfitsTable (AWS::DynamoDB::Table): ${PROTECTED_TABLE_REASON}`);
    expect(text).toContain('Deploy the platform stack with the current platform.yml (DeletionPolicy Retain)');
    expect(text).not.toContain('rerun the cleanup (it picks up where it stopped)');
  });

  it('should fail with every reason, the table untouched, when another resource fails to delete', async () => {
    cleanup.start({});
    const bucket = 'Bucket has objects: The bucket you tried to delete is not empty (Service: S3, Status Code: 409)';
    const blocked = { logicalId: 'AssetsBucket', type: 'AWS::S3::Bucket', physicalId: 'dev-assets', blockedBy: bucket };
    const account = fakeAccount({
      stacks: [platformStack([blocked]), networkStack()],
      table: table({ deletionProtection: true }),
    });

    await cleanup.run(run);

    expect(process.exitCode).toBe(1);
    expect(account.calls).toEqual(['DeleteStack dev-platform']);
    expect(account.table).toEqual(table({ deletionProtection: true }));
    expect(cleanup.log()).toContain(`::error::dev-platform: AssetsBucket (AWS::S3::Bucket): ${bucket}`);
    expect(cleanup.log()).toContain('Fix or remove those resources, then rerun the cleanup');
    const summary = cleanup.summary();
    expect(summary).toContain('❌ Stack dev-platform ended in DELETE_FAILED');
    expect(summary).toContain(`<td>AssetsBucket</td><td>AWS::S3::Bucket</td><td>${bucket}</td>`);
  });
});

describe('cleanup with keep-data false', () => {
  it('should delete the stacks, then turn deletion protection off and delete the table, waiting until it is gone', async () => {
    cleanup.start({ 'keep-data': 'false' });
    const account = fakeAccount({
      stacks: [platformStack(), networkStack()],
      table: table({ deletionProtection: true }),
    });

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(account.calls).toEqual([
      'DeleteStack dev-platform',
      'DeleteStack dev-network',
      `UpdateTable ${TABLE} DeletionProtectionEnabled=false`,
      `DeleteTable ${TABLE}`,
    ]);
    expect(account.dynamodb.commandCalls(DeleteTableCommand)[0]?.args[0].input).toEqual({ TableName: TABLE });
    expect(account.table.exists).toBe(false);
    expect(cleanup.log()).toContain(`table ${TABLE} to be deleted: DELETING`);
    expect(cleanup.log()).toContain(`Deleted table ${TABLE}.`);
    expect(rows().at(-1)).toEqual({
      kind: 'DynamoDB table',
      name: TABLE,
      action: 'delete after the stacks (deletion protection off first)',
    });
    expect(cleanup.summary()).toContain(`Table ${TABLE} deleted with its data (keep-data is false).`);
  });

  it('should delete a table kept by an earlier run, found by its name, and be a no-op the time after', async () => {
    cleanup.start({ 'keep-data': 'false' });
    const account = fakeAccount({ stacks: [], table: table({ deletionProtection: true }) });

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(account.calls).toEqual([`UpdateTable ${TABLE} DeletionProtectionEnabled=false`, `DeleteTable ${TABLE}`]);
    expect(rows()).toEqual([
      { kind: 'DynamoDB table', name: TABLE, action: 'delete after the stacks (deletion protection off first)' },
    ]);

    cleanup.start({ 'keep-data': 'false' });
    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(account.calls).toHaveLength(2);
    expect(cleanup.outputs().count).toBe('0');
    expect(cleanup.summary()).toContain('Nothing to delete: the environment is already clean.');
  });
});

describe('cleanup dry run', () => {
  it.each([
    ['false', 'delete after the stacks'],
    ['true', 'keep (its stack retains it, deletion protection on first)'],
  ])('should list the table under its action with keep-data %s and change nothing', async (keepData, action) => {
    cleanup.start({ 'dry-run': 'true', 'keep-data': keepData });
    const account = fakeAccount({ stacks: [platformStack(), networkStack()], table: table() });

    await cleanup.run(run);

    expect(process.exitCode, cleanup.log()).toBeUndefined();
    expect(account.calls).toEqual([]);
    expect(rows()).toEqual([
      { kind: 'Stack', name: 'dev-platform', action: 'delete' },
      { kind: 'Stack', name: 'dev-network', action: 'delete' },
      { kind: 'DynamoDB table', name: TABLE, action },
    ]);
    expect(cleanup.summary()).toContain('(dry run: nothing changed)');
  });
});

describe('cleanup when a stack ends DELETE_FAILED', () => {
  it("should fail the step with the failed resource's reason in the log and the summary", async () => {
    cleanup.start({ 'keep-data': 'false' });
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
      table: table(),
    });

    await cleanup.run(run);

    expect(process.exitCode).toBe(1);
    expect(account.calls).toEqual(['DeleteStack dev-platform', 'DeleteStack dev-network']);
    expect(account.stacks.map((s) => s.status)).toEqual(['DELETE_COMPLETE', 'DELETE_FAILED']);
    const text = cleanup.log();
    expect(text).toContain(`::error::dev-network: Vpc (AWS::EC2::VPC): ${VPC_IN_USE}`);
    expect(text).toContain('::error::Stack dev-network ended in DELETE_FAILED:%0A  - Vpc (AWS::EC2::VPC): ');
    expect(text).toContain('rerun the cleanup (it picks up where it stopped).');
    expect(text).not.toContain('an old reason from a previous run');
    const summary = cleanup.summary();
    expect(summary).toContain('❌ Stack dev-network ended in DELETE_FAILED');
    expect(summary).toContain(`<td>Vpc</td><td>AWS::EC2::VPC</td><td>${VPC_IN_USE.replace(/"/g, '&quot;')}</td>`);
    expect(summary).toContain(encodeURIComponent(network.id));
    expect(summary).not.toContain('✅');
  });
});

// The tests above are only as good as the fake: it must do what CloudFormation and DynamoDB do.
describe('the scripted account', () => {
  it('should skip a DeletionPolicy Retain table on DeleteStack, even protected, and leave it in place', async () => {
    cleanup.start({});
    const account = fakeAccount({ stacks: [platformStack()], table: table({ deletionProtection: true }) });
    const [platform] = account.stacks;

    await new CloudFormationClient({ region: 'eu-west-1' }).send(new DeleteStackCommand({ StackName: platform?.id }));

    expect(platform?.final).toBe('DELETE_COMPLETE');
    const skipped = platform?.events.find((e) => e.LogicalResourceId === 'MysfitsTable');
    expect(skipped?.ResourceStatus).toBe('DELETE_SKIPPED');
    expect(account.table.exists).toBe(true);
  });

  it('should refuse DeleteTable on a protected table, as DynamoDB does', async () => {
    cleanup.start({});
    const account = fakeAccount({ stacks: [], table: table({ deletionProtection: true }) });
    const client = new DynamoDBClient({ region: 'eu-west-1' });

    await expect(client.send(new DeleteTableCommand({ TableName: TABLE }))).rejects.toThrow(PROTECTED_TABLE_MESSAGE);
    expect(account.table.exists).toBe(true);
  });
});
