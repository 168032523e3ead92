// The Adam update of float32 parameters.

/**
 * Adam (PyTorch's update, without weight decay or AMSGrad) on a block of rows × cols whose
 * parameter and moments share the leading dimension ld (the gradient's is ldg):
 *   m ← β1·m + (1−β1)·g,  v ← β2·v + (1−β2)·g²,  p ← p − stepSize · m / (√v · invBc2Sqrt + ε)
 * with stepSize = lr / (1 − β1^t) and invBc2Sqrt = 1 / √(1 − β2^t). The caller rounds
 * 1 − β from double precision, as PyTorch does, rather than subtracting in float32.
 */
export function adam(
  p: usize, m: usize, v: usize, ld: i32, g: usize, ldg: i32, rows: i32, cols: i32,
  beta1: f32, oneMinusBeta1: f32, beta2: f32, oneMinusBeta2: f32,
  stepSize: f32, invBc2Sqrt: f32, epsilon: f32,
): void {
  const b1 = f32x4.splat(beta1), c1 = f32x4.splat(oneMinusBeta1);
  const b2 = f32x4.splat(beta2), c2 = f32x4.splat(oneMinusBeta2);
  const ss = f32x4.splat(stepSize), ib = f32x4.splat(invBc2Sqrt), eps = f32x4.splat(epsilon);
  for (let r = 0; r < rows; r++) {
    const base = ((r as usize) * (ld as usize)) << 2;
    const gRow = g + (((r as usize) * (ldg as usize)) << 2);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = base + ((j as usize) << 2);
      const gv = v128.load(gRow + ((j as usize) << 2));
      const mv = f32x4.add(f32x4.mul(v128.load(m + o), b1), f32x4.mul(gv, c1));
      const vv = f32x4.add(f32x4.mul(v128.load(v + o), b2), f32x4.mul(f32x4.mul(gv, gv), c2));
      const denom = f32x4.add(f32x4.mul(f32x4.sqrt(vv), ib), eps);
      v128.store(m + o, mv);
      v128.store(v + o, vv);
      v128.store(p + o, f32x4.sub(v128.load(p + o), f32x4.mul(f32x4.div(mv, denom), ss)));
    }
    for (; j < cols; j++) {
      const o = base + ((j as usize) << 2);
      const gs = load<f32>(gRow + ((j as usize) << 2));
      const ms = load<f32>(m + o) * beta1 + gs * oneMinusBeta1;
      const vs = load<f32>(v + o) * beta2 + (gs * gs) * oneMinusBeta2;
      store<f32>(m + o, ms);
      store<f32>(v + o, vs);
      store<f32>(p + o, load<f32>(p + o) - (ms / (sqrt<f32>(vs) * invBc2Sqrt + epsilon)) * stepSize);
    }
  }
}
