import { describe, expect, it } from 'vitest';
import { fixedDigits } from '../src/numbers.js';

describe('fixedDigits', () => {
  it.each([
    [-0.0001, 3, '0.000'],
    [-0, 3, '0.000'],
    [-0.4, 0, '0'],
    [-0.0005, 3, '-0.001'],
    [-0.049, 3, '-0.049'],
    [0.9024, 3, '0.902'],
    [1, 2, '1.00'],
    [-12.5, 1, '-12.5'],
  ])('%f to %i digits is %s', (value, digits, text) => {
    expect(fixedDigits(value, digits)).toBe(text);
  });
});
