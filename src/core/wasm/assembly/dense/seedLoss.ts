// The paper's loss (the 'seed' objective) and its gradient.

/**
 * The paper's per-sample loss on a feature-major output y ([features][ldy], one sample per
 * column), for samples s0..s1 with labels a (one byte each):
 *   nll = ½ Σ_f (y_f − 2a)² + nllConstant,  penalty = (Var(y) − 1)²  (unbiased variance),
 * written as two f64 per sample to parts. Sums run in f64. When grad is nonzero it also
 * writes d(scale·(nll + penalty))/dy into grad (same layout as y):
 *   scale·((y_f − 2a) + 4(Var − 1)(y_f − mean)/(features − 1)).
 */
export function seedLoss(
  y: usize, ldy: i32, features: i32, s0: i32, s1: i32, labels: usize,
  nllConstant: f64, parts: usize, grad: usize, scale: f32,
): void {
  let s = s0;
  // Four samples are four adjacent floats of every feature row: one vector per row.
  for (; s + 4 <= s1; s += 4) seedLoss4(y, ldy, features, s, labels, nllConstant, parts, grad, scale);
  for (; s < s1; s++) seedLoss1(y, ldy, features, s, labels, nllConstant, parts, grad, scale);
}

@inline function high(v: v128): v128 {
  return f64x2.promote_low_f32x4(v128.shuffle<f32>(v, v, 2, 3, 2, 3));
}

function seedLoss4(
  y: usize, ldy: i32, features: i32, s: i32, labels: usize,
  nllConstant: f64, parts: usize, grad: usize, scale: f32,
): void {
  const ld = (ldy as usize) << 2;
  const col = (s as usize) << 2;
  const label = labels + (s as usize);
  const tLo = f64x2(2 * (load<u8>(label) as f64), 2 * (load<u8>(label, 1) as f64));
  const tHi = f64x2(2 * (load<u8>(label, 2) as f64), 2 * (load<u8>(label, 3) as f64));
  let sumLo = f64x2.splat(0), sumHi = f64x2.splat(0), sqLo = f64x2.splat(0), sqHi = f64x2.splat(0);
  let p = y + col;
  for (let f = 0; f < features; f++) {
    const v = v128.load(p);
    const lo = f64x2.promote_low_f32x4(v), hi = high(v);
    sumLo = f64x2.add(sumLo, lo);
    sumHi = f64x2.add(sumHi, hi);
    const dLo = f64x2.sub(lo, tLo), dHi = f64x2.sub(hi, tHi);
    sqLo = f64x2.add(sqLo, f64x2.mul(dLo, dLo));
    sqHi = f64x2.add(sqHi, f64x2.mul(dHi, dHi));
    p += ld;
  }
  const n = f64x2.splat(features as f64);
  const meanLo = f64x2.div(sumLo, n), meanHi = f64x2.div(sumHi, n);
  let ssLo = f64x2.splat(0), ssHi = f64x2.splat(0);
  p = y + col;
  for (let f = 0; f < features; f++) {
    const v = v128.load(p);
    const dLo = f64x2.sub(f64x2.promote_low_f32x4(v), meanLo), dHi = f64x2.sub(high(v), meanHi);
    ssLo = f64x2.add(ssLo, f64x2.mul(dLo, dLo));
    ssHi = f64x2.add(ssHi, f64x2.mul(dHi, dHi));
    p += ld;
  }
  const n1 = f64x2.splat((features - 1) as f64);
  const one = f64x2.splat(1);
  const excessLo = f64x2.sub(f64x2.div(ssLo, n1), one), excessHi = f64x2.sub(f64x2.div(ssHi, n1), one);
  const half = f64x2.splat(0.5), constant = f64x2.splat(nllConstant);
  const nllLo = f64x2.add(f64x2.mul(half, sqLo), constant), nllHi = f64x2.add(f64x2.mul(half, sqHi), constant);
  const penLo = f64x2.mul(excessLo, excessLo), penHi = f64x2.mul(excessHi, excessHi);
  // parts holds [nll, penalty] per sample: interleave the two vectors.
  const out = parts + ((s as usize) << 4);
  v128.store(out, v128.shuffle<f64>(nllLo, penLo, 0, 2));
  v128.store(out, v128.shuffle<f64>(nllLo, penLo, 1, 3), 16);
  v128.store(out, v128.shuffle<f64>(nllHi, penHi, 0, 2), 32);
  v128.store(out, v128.shuffle<f64>(nllHi, penHi, 1, 3), 48);
  if (grad == 0) return;
  // d/dy of scale·(nll + penalty) = scale·((y − t) + c·(y − mean)), c = 4(Var − 1)/(features − 1).
  const four = f64x2.splat(4);
  const c = f32x4.demote_f64x2_zero(f64x2.div(f64x2.mul(four, excessLo), n1));
  const cv = v128.shuffle<f32>(c, f32x4.demote_f64x2_zero(f64x2.div(f64x2.mul(four, excessHi), n1)), 0, 1, 4, 5);
  const tv = v128.shuffle<f32>(f32x4.demote_f64x2_zero(tLo), f32x4.demote_f64x2_zero(tHi), 0, 1, 4, 5);
  const mv = v128.shuffle<f32>(f32x4.demote_f64x2_zero(meanLo), f32x4.demote_f64x2_zero(meanHi), 0, 1, 4, 5);
  const sv = f32x4.splat(scale);
  p = y + col;
  let q = grad + col;
  for (let f = 0; f < features; f++) {
    const v = v128.load(p);
    v128.store(q, f32x4.mul(sv, f32x4.add(f32x4.sub(v, tv), f32x4.mul(cv, f32x4.sub(v, mv)))));
    p += ld;
    q += ld;
  }
}

function seedLoss1(
  y: usize, ldy: i32, features: i32, s: i32, labels: usize,
  nllConstant: f64, parts: usize, grad: usize, scale: f32,
): void {
  const ld = (ldy as usize) << 2;
  const n = features as f64;
  const col = (s as usize) << 2;
  const target = 2 * (load<u8>(labels + (s as usize)) as f64);
  let sum: f64 = 0, sq: f64 = 0;
  let p = y + col;
  for (let f = 0; f < features; f++) {
    const v = load<f32>(p) as f64;
    sum += v;
    const d = v - target;
    sq += d * d;
    p += ld;
  }
  const mean = sum / n;
  let ss: f64 = 0;
  p = y + col;
  for (let f = 0; f < features; f++) {
    const d = (load<f32>(p) as f64) - mean;
    ss += d * d;
    p += ld;
  }
  const excess = ss / (n - 1) - 1;
  const out = parts + ((s as usize) << 4);
  store<f64>(out, 0.5 * sq + nllConstant);
  store<f64>(out, excess * excess, 8);
  if (grad == 0) return;
  const c = (4 * excess / (n - 1)) as f32;
  const t = target as f32;
  const m = mean as f32;
  p = y + col;
  let q = grad + col;
  for (let f = 0; f < features; f++) {
    const v = load<f32>(p);
    store<f32>(q, scale * ((v - t) + c * (v - m)));
    p += ld;
    q += ld;
  }
}
