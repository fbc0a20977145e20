// The tests use the same in-memory dynalite as the local stack.
export { type LocalDynamo, startLocalDynamo as startDynalite } from '../../services/local/src/dynamo.js';
