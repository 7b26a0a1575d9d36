import type { CodeReliability, FinalisedCode } from '../model/themes.js';

/**
 * The finalisation gate: before a theme is marked final, each of its codes is checked against the most recent
 * revealed round's agreement.
 * - `neverDoubleCoded`: the round has no figure for the code (no round revealed yet, the code was added after it,
 *   or no two coders' codings made its kappa defined);
 * - `belowThreshold`: its headline kappa is under the project's kappa threshold or its alpha under the alpha one;
 * - `ok` otherwise.
 */
export interface CodeAgreementFigure {
  code: string;
  /** Headline kappa (Cohen's for a pair, Fleiss' for more coders); null when undefined. */
  kappa: number | null;
  alpha: number | null;
}

export interface GateThresholds {
  kappa: number;
  alpha: number;
}

export function checkThemeCodes(
  codes: readonly string[],
  agreement: readonly CodeAgreementFigure[] | null,
  thresholds: GateThresholds,
): FinalisedCode[] {
  const byCode = new Map((agreement ?? []).map((figure) => [figure.code, figure]));
  return codes.map((code) => {
    const figure = byCode.get(code);
    if (figure === undefined || figure.kappa === null) {
      return { code, reliability: 'neverDoubleCoded', kappa: null, alpha: figure?.alpha ?? null };
    }
    const below = figure.kappa < thresholds.kappa || (figure.alpha !== null && figure.alpha < thresholds.alpha);
    const reliability: CodeReliability = below ? 'belowThreshold' : 'ok';
    return { code, reliability, kappa: figure.kappa, alpha: figure.alpha };
  });
}

/** Whether finalising must be confirmed: some code is under a threshold or was never double-coded. */
export function gateWarns(checked: readonly FinalisedCode[]): boolean {
  return checked.some((code) => code.reliability !== 'ok');
}
