/**
 * How the inspector writes numbers, restated independently of its source (the
 * tests must not share the code they check): three significant digits, the
 * exponent form JavaScript's toPrecision picks, trailing zeros dropped.
 */
export function threeSignificant(value: number): string {
  const [mantissa, exponent] = value.toPrecision(3).split('e');
  const trimmed = mantissa.includes('.') ? mantissa.replace(/0+$/, '').replace(/\.$/, '') : mantissa;
  return exponent === undefined ? trimmed : `${trimmed}e${exponent}`;
}

/** Number of separate pieces in an SVG path (each starts with a moveto). */
export function subpathCount(d: string | null): number {
  return (d ?? '').match(/M/g)?.length ?? 0;
}

/** The points of an SVG path drawn by d3.line (M x,y L x,y …). */
export function pathPoints(d: string | null): Array<[number, number]> {
  return [...(d ?? '').matchAll(/[ML]\s*(-?[\d.e+-]+)[ ,](-?[\d.e+-]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}
