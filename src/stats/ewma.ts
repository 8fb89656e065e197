/**
 * EWMA control chart for a weekly metric against its history (Roberts 1959; Montgomery, SPC):
 *   zₜ = λ·xₜ + (1 − λ)·zₜ₋₁, z₀ = the mean of the history,
 *   limits = μ ± L·σ·√(λ / (2 − λ)) (the asymptotic width), λ = 0.2, L = 3.
 * σ² combines the spread between weeks and this week's own sampling error:
 *   σ² = between-week variance + SE², so a noisy week is not mistaken for a shift.
 */
export interface EwmaResult {
  readonly z: number;
  readonly centre: number;
  readonly lower: number;
  readonly upper: number;
  readonly outOfControl: boolean;
}

export function ewmaCheck(
  history: readonly number[],
  current: number,
  currentSe: number,
  lambda = 0.2,
  width = 3,
): EwmaResult | undefined {
  if (history.length < 2) return undefined;
  const centre = history.reduce((a, b) => a + b, 0) / history.length;
  const between = history.reduce((s, v) => s + (v - centre) ** 2, 0) / (history.length - 1);
  const sigma = Math.sqrt(between + currentSe * currentSe);
  let z = centre;
  for (const x of [...history, current]) z = lambda * x + (1 - lambda) * z;
  const half = width * sigma * Math.sqrt(lambda / (2 - lambda));
  return {
    z,
    centre,
    lower: centre - half,
    upper: centre + half,
    outOfControl: z < centre - half || z > centre + half,
  };
}
