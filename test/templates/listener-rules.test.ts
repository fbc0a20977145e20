import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readCfnTemplate } from '@mysfits/cfn-template';
import { describe, expect, it } from 'vitest';
import { loadListenerRules, matchListenerRule, platformTemplatePath } from '../../services/local/src/listener-rules.js';

const notFound = {
  type: 'fixed-response',
  statusCode: 404,
  contentType: 'application/json',
  body: '{"error":{"code":"not_found","message":"Not found."}}',
} as const;
const uuid = '4e53920c-505a-4a90-a694-b9300791f0ae';

interface TemplateRule {
  id: string;
  priority: number;
  patterns: string[];
  targetGroups: string[];
  fixedResponse?: { StatusCode: string; ContentType: string; MessageBody: string };
}

// Read independently of listener-rules.ts: the rules whose ListenerArn names the public listener
// (directly or through the HTTPS/HTTP !If), never the test listener.
function publicRulesInTemplate(): TemplateRule[] {
  const template = readCfnTemplate(platformTemplatePath);
  return Object.entries(template.Resources)
    .filter(([, resource]) => resource.Type === 'AWS::ElasticLoadBalancingV2::ListenerRule')
    .filter(([, resource]) => JSON.stringify(resource.Properties?.ListenerArn).includes('PublicHttpListener'))
    .map(([id, resource]) => {
      const properties = resource.Properties as {
        Priority: number;
        Conditions: Array<{ PathPatternConfig: { Values: string[] } }>;
        Actions: Array<{
          ForwardConfig?: { TargetGroups: Array<{ TargetGroupArn: { Ref: string } }> };
          FixedResponseConfig?: TemplateRule['fixedResponse'];
        }>;
      };
      const action = properties.Actions[0];
      return {
        id,
        priority: properties.Priority,
        patterns: properties.Conditions.flatMap((condition) => condition.PathPatternConfig.Values),
        targetGroups: action?.ForwardConfig?.TargetGroups.map((group) => group.TargetGroupArn.Ref) ?? [],
        fixedResponse: action?.FixedResponseConfig,
      };
    });
}

describe('loadListenerRules', () => {
  const listener = loadListenerRules();

  it('should load every public listener rule of platform.yml with its priority, patterns and action', () => {
    const templateRules = publicRulesInTemplate();
    expect(templateRules.length).toBeGreaterThanOrEqual(3);
    expect(listener.rules).toHaveLength(templateRules.length);
    for (const expected of templateRules) {
      const loaded = listener.rules.find((rule) => rule.priority === expected.priority);
      expect(loaded?.pathPatterns, expected.id).toEqual(expected.patterns);
      if (expected.fixedResponse) {
        expect(loaded?.action, expected.id).toEqual({
          type: 'fixed-response',
          statusCode: Number(expected.fixedResponse.StatusCode),
          contentType: expected.fixedResponse.ContentType,
          body: expected.fixedResponse.MessageBody,
        });
      } else {
        const service = loaded?.action.type === 'forward' ? loaded.action.service : 'none';
        const capitalised = `${service.charAt(0).toUpperCase()}${service.slice(1)}`;
        expect(expected.targetGroups, expected.id).toEqual([
          `${capitalised}BlueTargetGroup`,
          `${capitalised}GreenTargetGroup`,
        ]);
      }
    }
  });

  it('should return the rules lowest priority first', () => {
    const priorities = listener.rules.map((rule) => rule.priority);
    expect(priorities).toEqual([...priorities].sort((a, b) => a - b));
  });

  it('should take the default action from the HTTP listener (a JSON 404, since /* catches every path)', () => {
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

  it('should reject a rule the local router cannot emulate, naming the rule', () => {
    const template = readFileSync(platformTemplatePath, 'utf8').replace(
      '      Priority: 20\n      Conditions:\n        - Field: path-pattern',
      '      Priority: 20\n      Conditions:\n        - Field: host-header\n          Values: [example.com]\n        - Field: path-pattern',
    );
    const path = join(mkdtempSync(join(tmpdir(), 'listener-rules-')), 'platform.yml');
    writeFileSync(path, template);
    expect(() => loadListenerRules(path)).toThrow(/LikeProductionListenerRule.*host-header/);
  });
});
