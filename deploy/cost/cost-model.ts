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
  fargate: Record<CapacityProvider, { vcpuHour: number; gbHour: number }>;
  logsIngestionGb: number;
  logsStorageGbMonth: number;
  customMetricMonth: number;
  dynamoStorageGbMonth: number;
  ecrStorageGbMonth: number;
}

export type CapacityProvider = 'FARGATE' | 'FARGATE_SPOT';

export interface TaskShape {
  service: string;
  count: number;
  vcpu: number;
  memoryGb: number;
  capacityProvider: CapacityProvider;
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
  for (const task of shape.tasks) {
    const rate = prices.fargate[task.capacityProvider];
    add(
      `Fargate ${task.service}`,
      `${task.count} × ${task.vcpu} vCPU / ${task.memoryGb} GB ${task.capacityProvider} (${task.source})`,
      task.count * hours * (task.vcpu * rate.vcpuHour + task.memoryGb * rate.gbHour),
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
