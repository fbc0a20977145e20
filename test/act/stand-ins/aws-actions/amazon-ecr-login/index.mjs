const { standIn, setOutput } = await import(`${process.env.ACT_STAND_INS}/lib/action.mjs`);
const { awsJson } = await import(`${process.env.ACT_STAND_INS}/lib/aws-json.mjs`);
await standIn('aws-actions/amazon-ecr-login', async () => {
  const reply = await awsJson('ecr', 'GetAuthorizationToken', {});
  const proxy = reply.authorizationData?.[0]?.proxyEndpoint;
  if (!proxy) throw new Error(`GetAuthorizationToken returned no proxyEndpoint: ${JSON.stringify(reply)}`);
  // Never contacted: a real-looking ECR host name that only the stand-ins' image references carry.
  const registry = new URL(proxy).host;
  console.log(`Logged in to ${registry} (act stand-in: no Docker engine, nothing logged in)`);
  setOutput('registry', registry);
});
