// Matrix transposition in 16×16 blocks.

function transpose<T>(rows: i32, cols: i32, src: usize, dst: usize): void {
  const S = sizeof<T>();
  for (let i0 = 0; i0 < rows; i0 += 16) {
    const i1 = min(i0 + 16, rows);
    for (let j0 = 0; j0 < cols; j0 += 16) {
      const j1 = min(j0 + 16, cols);
      for (let i = i0; i < i1; i++) {
        for (let j = j0; j < j1; j++) {
          store<T>(dst + (<usize>j * rows + i) * S, load<T>(src + (<usize>i * cols + j) * S));
        }
      }
    }
  }
}

/** dst (cols × rows) = transpose of src (rows × cols), float64. */
export function transpose_f64(rows: i32, cols: i32, src: usize, dst: usize): void {
  transpose<f64>(rows, cols, src, dst);
}

/** dst (cols × rows) = transpose of src (rows × cols), float32. */
export function transpose_f32(rows: i32, cols: i32, src: usize, dst: usize): void {
  transpose<f32>(rows, cols, src, dst);
}
