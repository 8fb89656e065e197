// @stdlib ships its declarations under docs/types, which NodeNext resolution does not find.
declare module '@stdlib/stats-base-dists-t-quantile' {
  /** Quantile function of Student's t with `v` degrees of freedom. */
  export default function quantile(p: number, v: number): number;
}
declare module '@stdlib/stats-base-dists-normal-quantile' {
  /** Quantile function of the normal distribution N(mu, sigma²). */
  export default function quantile(p: number, mu: number, sigma: number): number;
}
declare module '@stdlib/stats-base-dists-binomial-pmf' {
  /** P(X = x) for X ~ Binomial(n, p). */
  export default function pmf(x: number, n: number, p: number): number;
}
declare module '@stdlib/stats-base-dists-binomial-cdf' {
  /** P(X ≤ x) for X ~ Binomial(n, p). */
  export default function cdf(x: number, n: number, p: number): number;
}
declare module '@stdlib/stats-base-dists-normal-cdf' {
  /** Φ((x − mu) / sigma). */
  export default function cdf(x: number, mu: number, sigma: number): number;
}
declare module '@stdlib/stats-base-dists-chisquare-cdf' {
  /** P(X ≤ x) for X ~ χ²(k). */
  export default function cdf(x: number, k: number): number;
}
declare module '@stdlib/stats-base-dists-hypergeometric-pmf' {
  /** P(X = x) drawing n items from a population of N with K successes. */
  export default function pmf(x: number, N: number, K: number, n: number): number;
}
