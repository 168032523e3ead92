// Elementwise steps of the network's forward pass and its inverse, on rows of
// n values, in the elements' precision (float32 rounds every result to float32,
// as a float32 network does).

/** x[r][j] += sign·b[j] for `rows` rows of n; b holds n float32 values (widened for float64 rows). */
function addBias<T>(x: usize, rows: i32, n: i32, b: usize, sign: T): void {
  const S = sizeof<T>();
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * <usize>n * S;
    for (let j = 0; j < n; j++) {
      const q = row + <usize>j * S;
      store<T>(q, load<T>(q) + sign * <T>load<f32>(b + <usize>j * 4));
    }
  }
}

/** Float32 rows: x + b (sign 1) or x − b (sign −1), rounded to float32. */
export function add_bias_f32(x: usize, rows: i32, n: i32, b: usize, sign: f32): void {
  addBias<f32>(x, rows, n, b, sign);
}

/** Float64 rows: x + b or x − b with b's float32 values widened. */
export function add_bias_f64(x: usize, rows: i32, n: i32, b: usize, sign: f64): void {
  addBias<f64>(x, rows, n, b, sign);
}

/** LeakyReLU (v < 0 becomes v·slope) over `count` values, or its inverse (v / slope) when `inverse` is set. */
function leaky<T>(x: usize, count: i32, slope: T, inverse: bool): void {
  const S = sizeof<T>();
  const bytes = <usize>count * S;
  const zero = v128.splat<T>(0);
  const sv = v128.splat<T>(slope);
  let o: usize = 0;
  for (; o + 16 <= bytes; o += 16) {
    const v = v128.load(x + o);
    const t = inverse ? v128.div<T>(v, sv) : v128.mul<T>(v, sv);
    v128.store(x + o, v128.bitselect(t, v, v128.lt<T>(v, zero)));
  }
  for (; o < bytes; o += S) {
    const v = load<T>(x + o);
    if (v < 0) store<T>(x + o, inverse ? v / slope : v * slope);
  }
}

/** Float32 LeakyReLU in place (`inverse` non-zero: its inverse), every result rounded to float32. */
export function leaky_f32(x: usize, count: i32, slope: f32, inverse: i32): void {
  leaky<f32>(x, count, slope, inverse != 0);
}

/** Float64 LeakyReLU in place (`inverse` non-zero: its inverse). */
export function leaky_f64(x: usize, count: i32, slope: f64, inverse: i32): void {
  leaky<f64>(x, count, slope, inverse != 0);
}

/** Every row of n values that holds a NaN or an infinity becomes all NaN (an overflowed solve). */
function markNonFiniteRows<T>(x: usize, rows: i32, n: i32): void {
  const S = sizeof<T>();
  for (let r = 0; r < rows; r++) {
    const row = x + <usize>r * <usize>n * S;
    let finite = true;
    for (let j = 0; j < n; j++) {
      const v = load<T>(row + <usize>j * S);
      // v − v is 0 exactly when v is finite.
      if (v - v != 0) { finite = false; break; }
    }
    if (!finite) for (let j = 0; j < n; j++) store<T>(row + <usize>j * S, <T>NaN);
  }
}

export function nan_rows_f32(x: usize, rows: i32, n: i32): void {
  markNonFiniteRows<f32>(x, rows, n);
}

export function nan_rows_f64(x: usize, rows: i32, n: i32): void {
  markNonFiniteRows<f64>(x, rows, n);
}
