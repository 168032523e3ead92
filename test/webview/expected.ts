/**
 * How every view writes numbers (src/shared/formatNumber.ts), restated
 * independently of its source (the tests must not share the code they check):
 * three significant digits, plain when the rounded value lies in [1e-3, 1e5),
 * otherwise exponent form without "+", trailing zeros dropped.
 */
export function threeSignificant(value: number): string {
  const rounded = Number(value.toPrecision(3));
  const magnitude = Math.abs(rounded);
  if (rounded === 0 || (magnitude >= 1e-3 && magnitude < 1e5)) return String(rounded);
  const [mantissa, exponent] = value.toExponential(2).split('e');
  return `${mantissa.replace(/\.?0+$/, '')}e${Number(exponent)}`;
}

/** A share as the views write it: its percentage to three significant digits (0.0225 → "2.25%"). */
export function percentOf(share: number): string {
  return `${threeSignificant(share * 100)}%`;
}

/** Number of separate pieces in an SVG path (each starts with a moveto). */
export function subpathCount(d: string | null): number {
  return (d ?? '').match(/M/g)?.length ?? 0;
}

/** The points of an SVG path drawn by d3.line (M x,y L x,y …). */
export function pathPoints(d: string | null): Array<[number, number]> {
  return [...(d ?? '').matchAll(/[ML]\s*(-?[\d.e+-]+)[ ,](-?[\d.e+-]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}
