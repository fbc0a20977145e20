// The arithmetic of the cost estimate: a stack's shape × a price table → monthly lines and a total.
// Where the shape comes from (the templates, or the workshop's layout) lives in cost-stack.ts.

/** One region's list prices; deploy/cost/prices-us-east-1.json is the one kept in the repository. */
export interface PriceTable {
  region: string;
  currency: string;
  asOf: string;
  source: string;
  hoursPerMonth: number;
  albHour: number;
  albLcuHour: number;
  natGatewayHour: number;
  natGatewayGb: number;
  publicIpv4Hour: number;
  /** Linux/X86_64, on demand and on Spot. */
  fargate: Record<CapacityProvider, FargateRate>;
  /** Linux/ARM64 (Graviton): on demand only, as Fargate Spot runs no ARM64 task. */
  fargateArm64: { FARGATE: FargateRate };
  /** The figures to check against the pricing pages first (Spot moves; ARM64 written from memory). */
  check: string[];
  logsIngestionGb: number;
  logsStorageGbMonth: number;
  customMetricMonth: number;
  dynamoStorageGbMonth: number;
  ecrStorageGbMonth: number;
  /** Linux on-demand hourly price per EC2 instance type (the types deploy/config.yml may name). */
  ec2InstanceHour: Record<string, number>;
  /** EBS gp3 storage, per GB-month (the container instances' root volume). */
  ebsGp3GbMonth: number;
}

export type CapacityProvider = 'FARGATE' | 'FARGATE_SPOT';
/** Where a task runs: a Fargate capacity provider, or the environment's EC2 instances (priced as instances). */
export type TaskCapacity = CapacityProvider | 'EC2';
export type CpuArchitecture = 'X86_64' | 'ARM64';
export interface FargateRate {
  vcpuHour: number;
  gbHour: number;
}

export interface TaskShape {
  service: string;
  count: number;
  vcpu: number;
  memoryGb: number;
  capacityProvider: TaskCapacity;
  cpuArchitecture: CpuArchitecture;
  /** Tasks in public subnets get a public IPv4 address each, billed by the hour. */
  publicIp: boolean;
  /** Where the size came from: a deploy file, or a stated assumption. */
  source: string;
}

/** Everything that costs money while the stack is idle, with the assumptions spelled out. */
export interface StackShape {
  name: string;
  loadBalancers: number;
  /** Availability Zones of the load balancer: one public IPv4 address each. */
  loadBalancerZones: number;
  /** Average LCUs an idle load balancer uses (health checks, a few visitors). */
  idleLcu: number;
  natGateways: number;
  natGbPerMonth: number;
  tasks: TaskShape[];
  /** The environment's EC2 container instances, when it has EC2 capacity. */
  ec2?: { instanceType: string; instances: number; volumeGb: number };
  logGbPerMonth: number;
  logRetentionDays: number;
  /** CloudWatch metrics Container Insights publishes (0 when it is disabled). */
  containerInsightsMetrics: number;
  dynamoGb: number;
  ecrGb: number;
  assumptions: string[];
}

export interface CostLine {
  item: string;
  detail: string;
  monthly: number;
}

export interface CostEstimate {
  stack: string;
  region: string;
  pricesAsOf: string;
  lines: CostLine[];
  total: number;
  assumptions: string[];
}

const cents = (value: number) => Math.round(value * 100) / 100;

function fargateRate(task: TaskShape & { capacityProvider: CapacityProvider }, prices: PriceTable): FargateRate {
  if (task.cpuArchitecture === 'X86_64') return prices.fargate[task.capacityProvider];
  if (task.capacityProvider === 'FARGATE') return prices.fargateArm64.FARGATE;
  throw new Error(
    `expected FARGATE for the ARM64 tasks of ${task.service}, found ${task.capacityProvider}: Fargate Spot runs X86_64 tasks only, so it has no ARM64 price`,
  );
}

/** Prices a stack shape: one line per cost driver, monthly, rounded to cents; the total sums the unrounded lines. */
export function monthlyCost(shape: StackShape, prices: PriceTable): CostEstimate {
  const hours = prices.hoursPerMonth;
  const raw: CostLine[] = [];
  const add = (item: string, detail: string, monthly: number) => {
    if (monthly > 0) raw.push({ item, detail, monthly });
  };
  add(
    'Application Load Balancer',
    `${shape.loadBalancers} × ${hours} h + ${shape.idleLcu} LCU`,
    shape.loadBalancers * hours * (prices.albHour + shape.idleLcu * prices.albLcuHour),
  );
  add(
    'NAT gateways',
    `${shape.natGateways} × ${hours} h + ${shape.natGbPerMonth} GB each`,
    shape.natGateways * (hours * prices.natGatewayHour + shape.natGbPerMonth * prices.natGatewayGb),
  );
  // One line per service, its on-demand and Spot tasks together; tasks on EC2 are in the instances' line.
  const onFargate = shape.tasks.filter(
    (task): task is TaskShape & { capacityProvider: CapacityProvider } => task.capacityProvider !== 'EC2',
  );
  for (const service of [...new Set(onFargate.map((task) => task.service))]) {
    const tasks = onFargate.filter((task) => task.service === service);
    add(
      `Fargate ${service}`,
      `${tasks.map((task) => `${cents(task.count)} × ${task.vcpu} vCPU / ${task.memoryGb} GB ${task.capacityProvider} ${task.cpuArchitecture}`).join(' + ')} (${tasks[0]?.source ?? ''})`,
      tasks.reduce((sum, task) => {
        const rate = fargateRate(task, prices);
        return sum + task.count * hours * (task.vcpu * rate.vcpuHour + task.memoryGb * rate.gbHour);
      }, 0),
    );
  }
  if (shape.ec2 !== undefined) {
    const { instanceType, instances, volumeGb } = shape.ec2;
    const hourly = prices.ec2InstanceHour[instanceType];
    if (hourly === undefined) {
      throw new Error(
        `expected an on-demand price for ${instanceType} in the price table's ec2InstanceHour (${Object.keys(prices.ec2InstanceHour).join(', ')}), found none: add it from the EC2 pricing page`,
      );
    }
    const onEc2 = shape.tasks.filter((task) => task.capacityProvider === 'EC2');
    add(
      'EC2 container instances',
      `${instances} × ${instanceType} × ${hours} h + ${volumeGb} GB gp3 each${onEc2.length > 0 ? ` (tasks: ${onEc2.map((task) => `${cents(task.count)} × ${task.service}`).join(', ')})` : ''}`,
      instances * (hours * hourly + volumeGb * prices.ebsGp3GbMonth),
    );
  }
  const taskIps = shape.tasks.filter((task) => task.publicIp).reduce((sum, task) => sum + task.count, 0);
  const publicIps = shape.loadBalancers * shape.loadBalancerZones + shape.natGateways + taskIps;
  add(
    'Public IPv4 addresses',
    `${publicIps} (load balancer ${shape.loadBalancers * shape.loadBalancerZones}, NAT ${shape.natGateways}, tasks ${taskIps})`,
    publicIps * hours * prices.publicIpv4Hour,
  );
  const storedLogGb = (shape.logGbPerMonth * Math.min(shape.logRetentionDays, 365)) / 30;
  add(
    'CloudWatch Logs',
    `${shape.logGbPerMonth} GB/month in, ~${cents(storedLogGb)} GB kept (${shape.logRetentionDays} d)`,
    shape.logGbPerMonth * prices.logsIngestionGb + storedLogGb * prices.logsStorageGbMonth,
  );
  add(
    'Container Insights metrics',
    `${shape.containerInsightsMetrics} metrics`,
    shape.containerInsightsMetrics * prices.customMetricMonth,
  );
  add('DynamoDB (on-demand, at rest)', `${shape.dynamoGb} GB stored`, shape.dynamoGb * prices.dynamoStorageGbMonth);
  add('ECR storage', `${shape.ecrGb} GB of images`, shape.ecrGb * prices.ecrStorageGbMonth);
  const total = raw.reduce((sum, line) => sum + line.monthly, 0);
  return {
    stack: shape.name,
    region: prices.region,
    pricesAsOf: prices.asOf,
    lines: raw.map((line) => ({ ...line, monthly: cents(line.monthly) })),
    total: cents(total),
    assumptions: shape.assumptions,
  };
}
