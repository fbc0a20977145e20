import { describe, expect, it } from 'vitest';
import { formatDuration, parseBoolean, parseDuration, parseKeyValueLines, parseList } from '../src/parse.js';

describe('parseKeyValueLines', () => {
  it('should split on the first = only so values keep = and commas', () => {
    expect(parseKeyValueLines('Subnets=subnet-a,subnet-b\nQuery=a=b&c=d\n\n# comment\n Name = x ')).toEqual({
      Subnets: 'subnet-a,subnet-b',
      Query: 'a=b&c=d',
      Name: 'x',
    });
  });

  it('should allow an empty value', () => {
    expect(parseKeyValueLines('Empty=')).toEqual({ Empty: '' });
  });

  it('should reject a line without a key and name the line', () => {
    expect(() => parseKeyValueLines('A=1\nnot-a-pair')).toThrow(/line 2, found 'not-a-pair'/);
    expect(() => parseKeyValueLines('=value')).toThrow(/expected Key=Value/);
  });

  it('should reject a repeated key', () => {
    expect(() => parseKeyValueLines('A=1\nA=2')).toThrow(/key 'A' is given twice/);
  });
});

describe('parseDuration', () => {
  it('should read minutes, seconds, hours, compound and bare seconds', () => {
    expect(parseDuration('30m')).toBe(1_800_000);
    expect(parseDuration('900s')).toBe(900_000);
    expect(parseDuration('1h30m')).toBe(5_400_000);
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('45')).toBe(45_000);
  });

  it('should reject garbage, zero and partial matches', () => {
    for (const bad of ['abc', '0', '0s', '10x', '5m later', '']) {
      expect(() => parseDuration(bad), bad).toThrow(/expected a positive duration/);
    }
  });

  it('should format durations for humans', () => {
    expect(formatDuration(250)).toBe('250ms');
    expect(formatDuration(12_000)).toBe('12s');
    expect(formatDuration(245_000)).toBe('4m05s');
    expect(formatDuration(3_720_000)).toBe('1h2m');
  });
});

describe('parseBoolean and parseList', () => {
  it('should accept the usual spellings of true and false', () => {
    expect(['true', 'TRUE', 'yes', '1', 'on'].map(parseBoolean)).toEqual([true, true, true, true, true]);
    expect(['false', 'False', 'no', '0', 'off'].map(parseBoolean)).toEqual([false, false, false, false, false]);
    expect(() => parseBoolean('maybe')).toThrow(/expected true or false, found 'maybe'/);
  });

  it('should split lists on newlines and commas', () => {
    expect(parseList('CAPABILITY_IAM, CAPABILITY_NAMED_IAM\nCAPABILITY_AUTO_EXPAND\n')).toEqual([
      'CAPABILITY_IAM',
      'CAPABILITY_NAMED_IAM',
      'CAPABILITY_AUTO_EXPAND',
    ]);
  });
});
