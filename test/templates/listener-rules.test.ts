import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCfnTemplate } from '@mysfits/cfn-template';
import { describe, expect, it } from 'vitest';
import { loadDeployConfig, parseDeployConfig } from '../../deploy/config.js';
import {
  loadListenerRules,
  matchListenerRule,
  platformTemplatePath,
  serviceTemplatePath,
} from '../../services/local/src/listener-rules.js';

const config = loadDeployConfig();
const notFound = {
  type: 'fixed-response',
  statusCode: 404,
  contentType: 'application/json',
  body: '{"error":{"code":"not_found","message":"Not found."}}',
} as const;
const uuid = '4e53920c-505a-4a90-a694-b9300791f0ae';

// Read independently of listener-rules.ts: the platform's rules on the public listener (through
// the HTTPS/HTTP !If), never the test listener.
function platformPublicRules(): Array<{ id: string; priority: number; patterns: string[] }> {
  const template = readCfnTemplate(platformTemplatePath);
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule')
    .filter(([, resource]) => JSON.stringify(resource.Properties?.ListenerArn).includes('PublicHttpListener'))
    .map(([id, resource]) => {
      const properties = resource.Properties as {
        Priority: number;
        Conditions: Array<{ PathPatternConfig: { Values: string[] } }>;
      };
      return {
        id,
        priority: properties.Priority,
        patterns: properties.Conditions.flatMap((condition) => condition.PathPatternConfig.Values),
      };
    });
}

describe('loadListenerRules', () => {
  const listener = loadListenerRules();

  it("should load the platform's fixed responses and one forward rule per public service of the config", () => {
    const fixed = platformPublicRules();
    const services = Object.entries(config.services).filter(([, entry]) => entry.access === 'public');
    expect(fixed.length).toBeGreaterThanOrEqual(1);
    expect(listener.rules).toHaveLength(fixed.length + services.length);
    for (const expected of fixed) {
      const loaded = listener.rules.find((rule) => rule.priority === expected.priority);
      expect(loaded?.source, expected.id).toBe('platform');
      expect(loaded?.pathPatterns, expected.id).toEqual(expected.patterns);
      expect(loaded?.action, expected.id).toEqual(notFound);
    }
    for (const [service, entry] of services) {
      const loaded = listener.rules.find((rule) => rule.source === `service ${service}`);
      expect(loaded, service).toEqual({
        priority: entry.priority,
        pathPatterns: entry.paths,
        action: { type: 'forward', service },
        source: `service ${service}`,
      });
    }
  });

  it('should return the rules lowest priority first', () => {
    const priorities = listener.rules.map((rule) => rule.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => a - b));
  });

  it('should take the default action from the HTTP listener (a JSON 404)', () => {
    expect(listener.defaultAction).toEqual(notFound);
  });

  it.each([
    ['/', { type: 'forward', service: 'monolith' }],
    ['/mysfits', { type: 'forward', service: 'monolith' }],
    ['/health', { type: 'forward', service: 'monolith' }],
    [`/mysfits/${uuid}/like`, { type: 'forward', service: 'like' }],
    [`/mysfits/${uuid}/fulfill-like`, notFound],
    [`/mysfits/${uuid}/adopt`, { type: 'forward', service: 'monolith' }],
    [`/mysfits/${uuid}/like/extra`, { type: 'forward', service: 'monolith' }],
    [`/MYSFITS/${uuid}/like`, { type: 'forward', service: 'monolith' }],
  ])('should route %s like the ALB', (path, expected) => {
    expect(matchListenerRule(listener, path)).toEqual(expected);
  });

  it('should route a third service on its own paths, and leave an internal one off the listener', () => {
    const third = parseDeployConfig({
      ...config,
      services: {
        ...config.services,
        reviews: { paths: ['/reviews', '/reviews/*'], priority: 30 },
        worker: { access: 'internal' },
      },
    });
    const rules = loadListenerRules({ config: third });
    expect(matchListenerRule(rules, '/reviews/42')).toEqual({ type: 'forward', service: 'reviews' });
    expect(rules.rules.map((rule) => rule.source)).not.toContain('service worker');
  });

  it('should reject a rule the local router cannot emulate, naming the rule and the service', () => {
    const template = readFileSync(serviceTemplatePath, 'utf8').replace(
      '      Conditions:\n        - Field: path-pattern',
      '      Conditions:\n        - Field: host-header\n          Values: [example.com]\n        - Field: path-pattern',
    );
    const path = join(mkdtempSync(join(tmpdir(), 'listener-rules-')), 'service.yml');
    writeFileSync(path, template);
    expect(() => loadListenerRules({ serviceTemplatePath: path })).toThrow(
      /ProductionListenerRule \(service monolith\).*host-header/,
    );
  });
});
