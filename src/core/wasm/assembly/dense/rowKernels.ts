// Per-feature bias and LeakyReLU on feature-major float32 activations, forward and backward.

/** x[r][j] += bias[r] for rows r0..r1 and columns 0..cols (one bias per row: per feature). */
export function biasAddRows(x: usize, ldx: i32, r0: i32, r1: i32, cols: i32, bias: usize): void {
  for (let r = r0; r < r1; r++) {
    const row = x + (((r as usize) * (ldx as usize)) << 2);
    const s = v128.load32_splat(bias + ((r as usize) << 2));
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const p = row + ((j as usize) << 2);
      v128.store(p, f32x4.add(v128.load(p), s));
    }
    const sb = load<f32>(bias + ((r as usize) << 2));
    for (; j < cols; j++) {
      const p = row + ((j as usize) << 2);
      store<f32>(p, load<f32>(p) + sb);
    }
  }
}

/** grad[r] = Σ_j g[r][j] for rows r0..r1 (the bias gradient when rows are features). */
export function biasGradRows(g: usize, ldg: i32, r0: i32, r1: i32, cols: i32, grad: usize): void {
  for (let r = r0; r < r1; r++) {
    const row = g + (((r as usize) * (ldg as usize)) << 2);
    let acc = f32x4.splat(0);
    let j = 0;
    for (; j + 4 <= cols; j += 4) acc = f32x4.add(acc, v128.load(row + ((j as usize) << 2)));
    let s = (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1)) + (f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3));
    for (; j < cols; j++) s += load<f32>(row + ((j as usize) << 2));
    store<f32>(grad + ((r as usize) << 2), s);
  }
}

/** In place: x = x > 0 ? x : slope·x over rows r0..r1, columns 0..cols. */
export function leakyRelu(x: usize, ldx: i32, r0: i32, r1: i32, cols: i32, slope: f32): void {
  const s = f32x4.splat(slope);
  const zero = f32x4.splat(0);
  for (let r = r0; r < r1; r++) {
    const row = x + (((r as usize) * (ldx as usize)) << 2);
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const p = row + ((j as usize) << 2);
      const v = v128.load(p);
      v128.store(p, v128.bitselect(v, f32x4.mul(v, s), f32x4.gt(v, zero)));
    }
    for (; j < cols; j++) {
      const p = row + ((j as usize) << 2);
      const v = load<f32>(p);
      store<f32>(p, v > 0 ? v : v * slope);
    }
  }
}

/**
 * In place: g *= (y > 0 ? 1 : slope), where y is the activation's output. For a positive
 * slope y > 0 exactly when the input was, so the output alone carries the derivative.
 */
export function leakyReluBackward(g: usize, y: usize, ld: i32, r0: i32, r1: i32, cols: i32, slope: f32): void {
  const s = f32x4.splat(slope);
  const zero = f32x4.splat(0);
  for (let r = r0; r < r1; r++) {
    const offset = ((r as usize) * (ld as usize)) << 2;
    const gRow = g + offset;
    const yRow = y + offset;
    let j = 0;
    for (; j + 4 <= cols; j += 4) {
      const o = (j as usize) << 2;
      const gv = v128.load(gRow + o);
      v128.store(gRow + o, v128.bitselect(gv, f32x4.mul(gv, s), f32x4.gt(v128.load(yRow + o), zero)));
    }
    for (; j < cols; j++) {
      const o = (j as usize) << 2;
      const gv = load<f32>(gRow + o);
      store<f32>(gRow + o, load<f32>(yRow + o) > 0 ? gv : gv * slope);
    }
  }
}
