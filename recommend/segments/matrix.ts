/** Rows of equal length in one flat array: k-means touches every row every iteration, so no per-row objects. */
export interface Matrix {
  rows: number;
  cols: number;
  data: Float64Array;
}

export function matrix(rows: number, cols: number): Matrix {
  return { rows, cols, data: new Float64Array(rows * cols) };
}

export function fromRows(rows: ArrayLike<number>[]): Matrix {
  const cols = rows[0]?.length ?? 0;
  const m = matrix(rows.length, cols);
  rows.forEach((r, i) => {
    if (r.length !== cols) throw new Error(`row ${i} has ${r.length} values, expected ${cols}`);
    for (let j = 0; j < cols; j++) m.data[i * cols + j] = r[j]!;
  });
  return m;
}

export function row(m: Matrix, i: number): Float64Array {
  return m.data.subarray(i * m.cols, (i + 1) * m.cols);
}

/** Squared Euclidean distance between row i of a and row j of b. */
export function sqDist(a: Float64Array, ai: number, b: Float64Array, bj: number, cols: number): number {
  let s = 0;
  const ao = ai * cols;
  const bo = bj * cols;
  for (let c = 0; c < cols; c++) {
    const x = a[ao + c]! - b[bo + c]!;
    s += x * x;
  }
  return s;
}
