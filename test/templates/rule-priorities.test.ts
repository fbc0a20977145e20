import { describe, expect, it } from 'vitest';
import { loadDeployConfig, parseDeployConfig } from '../../deploy/config.js';
import { loadListenerRules, rulePriorityProblems } from '../../services/local/src/listener-rules.js';

// The public listener's rules come from two kinds of stacks: the platform's fixed responses and
// one forward rule per public service (its priority from deploy/config.yml). Nothing but this test
// sees them together before the ALB does.
const config = loadDeployConfig();

describe('listener rule priorities across the platform and service stacks', () => {
  it('should give every rule its own priority and let every fixed response win where it must', () => {
    const listener = loadListenerRules({ config });
    expect(listener.rules.map((rule) => rule.source)).toEqual(
      expect.arrayContaining(['platform', ...Object.keys(config.services).map((name) => `service ${name}`)]),
    );
    expect(rulePriorityProblems(listener)).toEqual([]);
  });

  it('should report a service on a fixed rule priority, and one that would answer a fixed path first', () => {
    const broken = parseDeployConfig({
      ...config,
      services: {
        ...config.services,
        clash: { paths: ['/clash'], priority: 10 },
        greedy: { paths: ['/mysfits/*'], priority: 5 },
      },
    });
    expect(rulePriorityProblems(loadListenerRules({ config: broken }))).toEqual([
      'priority 10 is taken twice: by platform and by service clash',
      "/mysfits/x/fulfill-like must get the platform's fixed response (priority 10) but service greedy answers it first: give that service a priority above 10",
    ]);
  });
});
