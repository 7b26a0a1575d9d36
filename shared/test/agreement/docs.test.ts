import { readFileSync } from 'node:fs';
import { computeAgreement } from '@accord/shared/agreement/index';
import { describe, expect, it } from 'vitest';

const doc = readFileSync(new URL('../../../docs/agreement.md', import.meta.url), 'utf8');
const EXAMPLE = /<!-- worked-example: ([\w-]+) -->\s*```json\n([\s\S]*?)```\s*```json\n([\s\S]*?)```/g;

/** Every value written in the docs must match the report; numbers as rounded in the text (to 5e-4). */
function expectSubset(actual: unknown, expected: unknown, path: string): void {
  if (typeof expected === 'number') {
    expect(typeof actual, path).toBe('number');
    expect(Math.abs((actual as number) - expected), path).toBeLessThanOrEqual(5e-4);
  } else if (Array.isArray(expected)) {
    expected.forEach((item, i) => {
      expectSubset((actual as unknown[])[i], item, `${path}[${i}]`);
    });
  } else if (expected !== null && typeof expected === 'object') {
    for (const [key, value] of Object.entries(expected))
      expectSubset((actual as Record<string, unknown>)[key], value, `${path}.${key}`);
  } else {
    expect(actual, path).toEqual(expected);
  }
}

describe('worked examples in docs/agreement.md', () => {
  const examples = [...doc.matchAll(EXAMPLE)];
  it('has worked examples', () => {
    expect(examples.map((m) => m[1])).toEqual(['paradox', 'assignments', 'nvivo', 'krippendorff']);
  });
  for (const [, name, input, expected] of examples) {
    it(name!, () => {
      expectSubset(computeAgreement(JSON.parse(input!)), JSON.parse(expected!), name!);
    });
  }
});
