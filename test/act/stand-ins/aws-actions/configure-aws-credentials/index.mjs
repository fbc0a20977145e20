const { exportVariable, input, setOutput, standIn } = await import(`${process.env.ACT_STAND_INS}/lib/action.mjs`);
await standIn('aws-actions/configure-aws-credentials', () => {
  const role = input('role-to-assume');
  const region = input('aws-region');
  // The real action, given no role and no credentials, fails ("Credentials could not be loaded");
  // given no region, it fails before that ("Region is not valid").
  if (!region) throw new Error('Input required and not supplied: aws-region');
  if (!role) {
    throw new Error(
      'Credentials could not be loaded, please check your action inputs: role-to-assume is empty (is the AWS_ROLE_ARN variable set?)',
    );
  }
  const arn = /^arn:aws:iam::(\d{12}):role\/[\w+=,.@/-]+$/.exec(role);
  if (!arn)
    throw new Error(
      `expected role-to-assume to be an IAM role ARN (arn:aws:iam::<account>:role/<name>), found '${role}'`,
    );
  const endpoint = process.env.ACT_MOTO_ENDPOINT;
  if (!endpoint) throw new Error('ACT_MOTO_ENDPOINT is not set: the act run names its moto server there');
  // No OIDC under act: instead of AssumeRoleWithWebIdentity, the job talks to moto with dummy keys.
  exportVariable('AWS_ENDPOINT_URL', endpoint);
  exportVariable('AWS_ACCESS_KEY_ID', 'testing');
  exportVariable('AWS_SECRET_ACCESS_KEY', 'testing');
  exportVariable('AWS_REGION', region);
  exportVariable('AWS_DEFAULT_REGION', region);
  console.log(`Role ${role} in ${region}: moto at ${endpoint} (act stand-in)`);
  setOutput('aws-account-id', arn[1]);
});
