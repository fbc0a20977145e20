import { describe, expect, it } from 'vitest';
import { dynamoDbTableUrl, ecsTaskDefinitionUrl, ecsTaskUrl } from '../src/console-links.js';

describe('console links', () => {
  it('should link a task by the id at the end of its ARN, in its cluster and region', () => {
    const url = ecsTaskUrl({
      region: 'eu-west-1',
      cluster: 'dev-cluster',
      taskArn: 'arn:aws:ecs:eu-west-1:123456789012:task/dev-cluster/0f1e2d3c4b5a69788796a5b4c3d2e1f0',
    });
    expect(url).toBe(
      'https://eu-west-1.console.aws.amazon.com/ecs/v2/clusters/dev-cluster/tasks/0f1e2d3c4b5a69788796a5b4c3d2e1f0/configuration?region=eu-west-1',
    );
  });

  it('should keep the slash between family and revision of a task definition', () => {
    expect(ecsTaskDefinitionUrl({ region: 'us-east-1', family: 'dev-monolith', revision: 3 })).toBe(
      'https://us-east-1.console.aws.amazon.com/ecs/v2/task-definitions/dev-monolith/3?region=us-east-1',
    );
  });

  it('should encode the table name of a DynamoDB link', () => {
    expect(dynamoDbTableUrl({ region: 'us-east-1', table: 'dev-mysfits' })).toBe(
      'https://us-east-1.console.aws.amazon.com/dynamodbv2/home?region=us-east-1#table?name=dev-mysfits',
    );
  });
});
