/**
 * The softmax steps both trainers share, in place on a scratch row of C logits (hot loops: no
 * allocation).
 */

/** z ← exp(z − max z); returns Σ z (divide by it for probabilities). */
export function expShifted(z: Float64Array | Float32Array, C: number): number {
  let max = z[0]!;
  for (let c = 1; c < C; c++) if (z[c]! > max) max = z[c]!;
  let sum = 0;
  for (let c = 0; c < C; c++) {
    z[c] = Math.exp(z[c]! - max);
    sum += z[c]!;
  }
  return sum;
}

/**
 * z ← softmax − one-hot(target), the cross-entropy gradient, from expShifted's output and sum;
 * the classes whose gradient is beyond ±floor are listed in `classes`; returns how many.
 */
export function crossEntropyGradient(z: Float64Array | Float32Array, C: number, sum: number, target: number, floor: number, classes: Int32Array | Uint16Array | number[]): number {
  let n = 0;
  for (let c = 0; c < C; c++) {
    z[c] = z[c]! / sum;
    if (c === target) z[c] = z[c]! - 1;
    if (z[c]! > floor || z[c]! < -floor) classes[n++] = c;
  }
  return n;
}
