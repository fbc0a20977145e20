// A minimal AWS JSON-protocol client for the stand-ins and stubs (no SDK in an act job's
// workspace before `npm ci`). Only ever talks to the moto server configure-aws-credentials'
// stand-in put into AWS_ENDPOINT_URL; moto routes by the credential scope's service name.
const prefixes = { ecr: 'AmazonEC2ContainerRegistry_V20150921', sts: 'AWSSecurityTokenServiceV20110615' };

/** The job's moto endpoint, or an error saying which step is missing. */
export function motoEndpoint() {
  const endpoint = process.env.AWS_ENDPOINT_URL;
  if (!endpoint) {
    throw new Error(
      'AWS_ENDPOINT_URL is not set: run aws-actions/configure-aws-credentials (its act stand-in points the job at moto) before this step',
    );
  }
  if (!/^http:\/\/(127\.\d+\.\d+\.\d+|localhost)(:\d+)?\/?$/.test(endpoint)) {
    throw new Error(`expected AWS_ENDPOINT_URL to be moto on the loopback interface, found ${endpoint}`);
  }
  return endpoint.replace(/\/$/, '');
}

/** One JSON-protocol call (`service` ecr, …), its parsed reply; throws with the error type and message. */
export async function awsJson(service, operation, body) {
  const region = process.env.AWS_REGION || process.env.AWS_DEFAULT_REGION || 'us-east-1';
  const response = await fetch(`${motoEndpoint()}/`, {
    method: 'POST',
    headers: {
      'Content-Type': 'application/x-amz-json-1.1',
      'X-Amz-Target': `${prefixes[service]}.${operation}`,
      Authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${region}/${service}/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await response.text();
  const reply = text ? JSON.parse(text) : {};
  if (!response.ok) {
    const type = String(reply.__type ?? `HTTP ${response.status}`)
      .split('#')
      .pop();
    const error = new Error(`${service}:${operation} failed: ${type}: ${reply.message ?? reply.Message ?? text}`);
    error.type = type;
    throw error;
  }
  return reply;
}

/** `<account>.dkr.ecr.<region>.amazonaws.com/<repository>[:tag|@digest]` split into its parts. */
export function parseImageReference(reference) {
  const match =
    /^(\d{12})\.dkr\.ecr\.([a-z0-9-]+)\.amazonaws\.com\/([^:@]+)(?::([^@]+))?(?:@(sha256:[0-9a-f]{64}))?$/.exec(
      reference,
    );
  if (!match)
    throw new Error(
      `expected an ECR image reference <account>.dkr.ecr.<region>.amazonaws.com/<repository>[:<tag>][@sha256:<digest>], found '${reference}'`,
    );
  const [, registryId, region, repositoryName, tag, digest] = match;
  return { registryId, region, repositoryName, tag, digest };
}
