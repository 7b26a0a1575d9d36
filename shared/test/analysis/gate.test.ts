import { describe, expect, it } from 'vitest';
import { checkThemeCodes, gateWarns } from '../../src/analysis/gate.js';

const THRESHOLDS = { kappa: 0.6, alpha: 0.667 };
const AGREEMENT = [
  { code: 'good', kappa: 0.82, alpha: 0.81 },
  { code: 'lowKappa', kappa: 0.41, alpha: 0.7 },
  { code: 'lowAlpha', kappa: 0.61, alpha: 0.6 },
  { code: 'atThreshold', kappa: 0.6, alpha: 0.667 },
  { code: 'undefinedKappa', kappa: null, alpha: null },
  { code: 'noAlpha', kappa: 0.7, alpha: null },
];

describe('finalisation gate', () => {
  const table: [string, string, number | null][] = [
    ['good', 'ok', 0.82],
    ['lowKappa', 'belowThreshold', 0.41],
    ['lowAlpha', 'belowThreshold', 0.61],
    ['atThreshold', 'ok', 0.6],
    ['undefinedKappa', 'neverDoubleCoded', null],
    ['noAlpha', 'ok', 0.7],
    ['addedAfterTheRound', 'neverDoubleCoded', null],
  ];
  for (const [code, reliability, kappa] of table) {
    it(`${code} is ${reliability}`, () => {
      expect(checkThemeCodes([code], AGREEMENT, THRESHOLDS)[0]).toMatchObject({ code, reliability, kappa });
    });
  }

  it('calls every code never double-coded when no round was revealed', () => {
    const checked = checkThemeCodes(['good', 'lowKappa'], null, THRESHOLDS);
    expect(checked.map((c) => c.reliability)).toEqual(['neverDoubleCoded', 'neverDoubleCoded']);
  });

  it('warns when any code is not ok, and only then', () => {
    expect(gateWarns(checkThemeCodes(['good', 'atThreshold'], AGREEMENT, THRESHOLDS))).toBe(false);
    expect(gateWarns(checkThemeCodes(['good', 'lowAlpha'], AGREEMENT, THRESHOLDS))).toBe(true);
    expect(gateWarns(checkThemeCodes([], AGREEMENT, THRESHOLDS))).toBe(false);
  });
});
