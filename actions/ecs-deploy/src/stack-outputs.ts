import { CloudFormationClient } from '@aws-sdk/client-cloudformation';
import { readStackOutputs } from '../../render-task-definition/src/aws.js';
import { awsClientConfig } from '../../shared/src/aws.js';

/** A stack-output reader for placeholders that creates its CloudFormation client only when needed. */
export function readStackOutputsWith(
  region: string,
): (stackName: string) => Promise<Record<string, string> | undefined> {
  let client: CloudFormationClient | undefined;
  return (stackName) => {
    client ??= new CloudFormationClient(awsClientConfig({ region }));
    return readStackOutputs(client, stackName);
  };
}
