/**
 * The flag loop the evaluation commands share: `--flag value` and `--flag=value`, `-h`/`--help`.
 * `handle` gets each flag with a reader for its value and returns a problem, or undefined when the
 * flag was taken. Returns "" for help, a message for a problem, else undefined.
 */
export function readFlags(args: string[], handle: (flag: string, value: () => string) => string | undefined): string | undefined {
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!;
    const [flag, inline] = a.startsWith("--") && a.includes("=") ? [a.slice(0, a.indexOf("=")), a.slice(a.indexOf("=") + 1)] : [a, undefined];
    if (flag === "-h" || flag === "--help") return "";
    const value = () => {
      const v = inline ?? args[++i];
      if (v === undefined || (inline === undefined && v.startsWith("--"))) throw new Error(`${flag} needs a value`);
      return v;
    };
    try {
      const problem = handle(flag, value);
      if (problem !== undefined) return problem;
    } catch (err) {
      return (err as Error).message;
    }
  }
  return undefined;
}

/** A whole number of at least 1, or the message naming the flag. */
export function positiveWhole(flag: string, v: string): number | string {
  const n = Number(v);
  return Number.isInteger(n) && n >= 1 ? n : `${flag} must be a whole number of at least 1 (got ${v})`;
}
