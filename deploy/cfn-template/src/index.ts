// Reads hand-written CloudFormation YAML the way CloudFormation does, for the code that must agree
// with the templates without deploying them: the local edge router (listener rules), the cost
// estimate (what the stacks create) and the template tests (invariants).
export * from './resolve.ts';
export * from './yaml.ts';
