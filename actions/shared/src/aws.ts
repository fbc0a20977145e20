/** Options for {@link awsClientConfig}. */
export interface AwsClientConfigOptions {
  /** The `region` input; empty or undefined falls back to AWS_REGION, then AWS_DEFAULT_REGION. */
  region?: string | undefined;
  /** Attempts per API call including the first (adaptive retry backs off on throttling). Default 10. */
  maxAttempts?: number;
}

/** Constructor configuration shared by every SDK v3 client the actions create. */
export interface AwsClientConfig {
  region: string;
  retryMode: 'adaptive';
  maxAttempts: number;
}

/**
 * Resolves the region from the input, then AWS_REGION, then AWS_DEFAULT_REGION.
 * @throws Error saying where a region is expected when none is set.
 */
export function resolveRegion(input?: string): string {
  const region = input?.trim() || process.env.AWS_REGION?.trim() || process.env.AWS_DEFAULT_REGION?.trim();
  if (!region) {
    throw new Error(
      "expected an AWS region in the 'region' input or AWS_REGION/AWS_DEFAULT_REGION (aws-actions/configure-aws-credentials sets them), found none",
    );
  }
  return region;
}

/**
 * Configuration for `new XxxClient(awsClientConfig({ region }))`: region resolved, adaptive retries.
 *
 * The endpoint is not set here on purpose: SDK v3 (>= 3.504, installed 3.11xx) already honours
 * `AWS_ENDPOINT_URL` and `AWS_ENDPOINT_URL_<SERVICE>` (e.g. `AWS_ENDPOINT_URL_ECS`) from the
 * environment, which is how the actions talk to a local moto server.
 */
export function awsClientConfig(options: AwsClientConfigOptions = {}): AwsClientConfig {
  return { region: resolveRegion(options.region), retryMode: 'adaptive', maxAttempts: options.maxAttempts ?? 10 };
}
