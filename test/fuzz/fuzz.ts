import fc from "fast-check";

/**
 * What the fuzz files share: the seed, the count of inputs per surface, the oracle for an error
 * answer, and generators of malformed values. Written from the README's contracts, never from the
 * product's schemas: a generator that imported them would only ever agree with them.
 */

/** One fixed seed so a failure replays; FUZZ_SEED explores others. fast-check prints it with any counterexample. */
export const SEED = Number(process.env.FUZZ_SEED ?? 1313);

const counts = new Map<string, number>();
/** Of the answers judged on each surface: how many were answers, how many refusals naming a field. */
const verdicts = new Map<string, { ok: number; refused: number }>();
let current = "";

/** The surface name the turns after each run are counted under. */
export const NORMAL_TURNS = "normal turns after fuzzing";

/** Inputs sent to each surface, for the summary the files print and the closing note quotes. */
export function counted(surface: string, n = 1): void {
  counts.set(surface, (counts.get(surface) ?? 0) + n);
}

/** Prints "[fuzz] surface: n inputs" for each surface and the total. */
export function printCounts(title: string): void {
  let total = 0;
  const lines = [...counts].map(([surface, n]) => {
    // The turns that check the service still answers are not fuzz inputs.
    if (surface !== NORMAL_TURNS) total += n;
    const v = verdicts.get(surface);
    return `[fuzz] ${surface}: ${n} inputs${v ? ` (${v.ok} answered, ${v.refused} refused naming the field)` : ""}`;
  });
  console.log(`${lines.join("\n")}\n[fuzz] ${title}: ${total} inputs in all (seed ${SEED})`);
}

/**
 * Runs a property over `numRuns` generated inputs, counting each against `surface`. On failure
 * fast-check's error carries the seed, the path and the shrunk counterexample; the surface is
 * added in front so the failing file says which edge it was.
 */
export async function fuzz<T>(surface: string, arbitrary: fc.Arbitrary<T>, numRuns: number, check: (input: T) => Promise<void>): Promise<void> {
  current = surface;
  try {
    await fc.assert(
      fc.asyncProperty(arbitrary, async (input) => {
        counted(surface);
        await check(input);
      }),
      { seed: SEED, numRuns },
    );
  } catch (err) {
    throw new Error(`fuzz ${surface} failed (seed ${SEED}; rerun with FUZZ_SEED=${SEED}):\n${(err as Error).message}`, { cause: err });
  }
}

/** Cut long values in failure messages: a 1 MB counterexample helps nobody. */
export function preview(value: unknown, max = 300): string {
  let text: string;
  try {
    text = typeof value === "string" ? JSON.stringify(value) : (JSON.stringify(value) ?? String(value));
  } catch {
    text = String(value);
  }
  return text.length > max ? `${text.slice(0, max)}… (${text.length} chars)` : text;
}

export interface WireError {
  code: string;
  message: string;
}

/** "events[2].type" is named by "events[2].type: …" and by "invalid events[2]: type: …" alike. */
function names(message: string, field: string): boolean {
  if (message.includes(field)) return true;
  const m = /^(.*\])\.(.+)$/.exec(field);
  return m !== null && message.includes(m[1]!) && message.indexOf(m[2]!, message.indexOf(m[1]!)) >= 0;
}

/**
 * The documented error answer `{error: {code, message}}`, never an internal error, whose message
 * names at least one of `fields` (a generated input may be wrong in several places; the service
 * may stop at the first it checks).
 */
export function expectNamedError(answer: unknown, fields: string[], where: string): WireError {
  const error = (answer as { error?: Partial<WireError> } | undefined)?.error;
  if (!error || typeof error.code !== "string" || typeof error.message !== "string" || !error.code || !error.message) {
    throw new Error(`${where}: expected {error: {code, message}}, got ${preview(answer)}`);
  }
  if (error.code === "internal_error") throw new Error(`${where}: an internal error for bad input: ${error.message}`);
  if (fields.length && !fields.some((f) => names(error.message!, f))) {
    throw new Error(`${where}: the error should name ${fields.join(" or ")}, but said ${error.code}: ${preview(error.message)}`);
  }
  return error as WireError;
}

/**
 * A generated input and what the contract says of it: `bad` names the fields it got wrong (the
 * answer must be an error naming one of them); `maybe` names fields holding values the contract
 * leaves open (a null for an optional field, a 10,000-character account id): the service may take
 * them or refuse them by name, but not fall over.
 */
export interface Case<T = unknown> {
  value: T;
  bad: string[];
  maybe: string[];
}

/**
 * The oracle for one answer: a success when nothing was wrong, else the error naming a field.
 * `ok` tells a success answer from an error one (and checks the success has the contract's shape).
 */
export function judge(answer: unknown, c: { bad: string[]; maybe: string[] }, where: string, ok: (answer: unknown) => boolean): "ok" | "refused" {
  const verdict = decide(answer, c, where, ok);
  const v = verdicts.get(current) ?? { ok: 0, refused: 0 };
  v[verdict]++;
  verdicts.set(current, v);
  return verdict;
}

function decide(answer: unknown, c: { bad: string[]; maybe: string[] }, where: string, ok: (answer: unknown) => boolean): "ok" | "refused" {
  if (c.bad.length) {
    expectNamedError(answer, [...c.bad, ...c.maybe], where);
    return "refused";
  }
  if (ok(answer)) return "ok";
  if (c.maybe.length) {
    expectNamedError(answer, c.maybe, where);
    return "refused";
  }
  throw new Error(`${where}: a valid input was not answered: ${preview(answer)}`);
}

// ── strings ──

/** What PostgreSQL cannot store or UTF-8 cannot encode: NUL and halves of surrogate pairs, alone or swapped. */
export const BROKEN = ["\u0000", "\ud800", "\udbff", "\udc00", "\udfff", "\udc00\ud800", "a\u0000b"] as const;

/** `base` with a NUL or a lone surrogate put somewhere in it, never between the halves of a pair (a swapped pair there would pair up again). */
export function poisoned(base: fc.Arbitrary<string> = fc.string({ maxLength: 20 })): fc.Arbitrary<string> {
  return fc.tuple(base, fc.constantFrom(...BROKEN), fc.nat()).map(([s, bad, at]) => {
    let i = at % (s.length + 1);
    if (i > 0 && i < s.length && /[\ud800-\udbff]/.test(s[i - 1]!) && /[\udc00-\udfff]/.test(s[i]!)) i++;
    return s.slice(0, i) + bad + s.slice(i);
  });
}

/** Characters a shopper may really send: every script, emoji, right-to-left marks, zero-width joiners and C0 controls other than NUL. */
const wildChar = fc.oneof(
  { weight: 6, arbitrary: fc.string({ unit: "grapheme", minLength: 1, maxLength: 1 }) },
  { weight: 3, arbitrary: fc.constantFrom("a", "e", " ", "1", "$", "-", "'", '"', "\\", "<", ">", "&", "%", "{", "}") },
  { weight: 2, arbitrary: fc.integer({ min: 1, max: 0x1f }).map((c) => String.fromCharCode(c)) },
  { weight: 2, arbitrary: fc.constantFrom("\u007f", "\u200b", "\u200d", "\u202e", "\u2028", "\ufeff", "\ufffd", "跑鞋", "👟", "👩‍👩‍👧", "\ud83d\ude00", "e\u0301") },
);

/** Valid text of 1..max characters with something in it besides white space. */
export function wildText(maxChars = 40): fc.Arbitrary<string> {
  return fc
    .array(wildChar, { minLength: 1, maxLength: Math.max(1, Math.floor(maxChars / 2)) })
    .map((parts) => parts.join("").slice(0, maxChars))
    // A cut can split a surrogate pair at the end: keep only what is still text.
    .map((s) => (/[\ud800-\udbff]$/.test(s) ? s.slice(0, -1) : s))
    .filter((s) => s.trim() !== "");
}

/** A plain id-like string (letters, digits, "-", "_", ":"), 1..max characters. */
export function plainId(max = 24): fc.Arbitrary<string> {
  return fc.stringMatching(new RegExp(`^[A-Za-z0-9][A-Za-z0-9_:-]{0,${max - 1}}$`));
}

/** Strings made only of white space. */
export const blank = fc.constantFrom("", " ", "   ", "\t", "\n", " \r\n ", "\u3000", "\u00a0");

/** A string of exactly `min..max` characters of one repeated letter (cheap to make however long). */
export function longText(min: number, max: number): fc.Arbitrary<string> {
  return fc.tuple(fc.integer({ min, max }), fc.constantFrom("x", "长", "é")).map(([n, c]) => c.repeat(n));
}

/** Any JSON value that is not a string. */
export const notString = fc.oneof(
  fc.integer(),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 1 }), { maxLength: 3 }),
  fc.dictionary(fc.string({ maxLength: 5 }), fc.jsonValue({ maxDepth: 1 }), { maxKeys: 3 }),
);

/** Any JSON value that is not a number. */
export const notNumber = fc.oneof(
  fc.string({ maxLength: 10 }),
  fc.constantFrom("3", "1e3", "NaN", "Infinity", ""),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.integer(), { maxLength: 2 }),
  fc.constant({}),
);

/** Any JSON value that is not a plain object (arrays and primitives). */
export const notObject = fc.oneof(
  fc.integer(),
  fc.string({ maxLength: 20 }),
  fc.boolean(),
  fc.constant(null),
  fc.array(fc.jsonValue({ maxDepth: 2 }), { maxLength: 4 }),
);

/** `depth` levels of arrays or objects, each holding the next: what recursive parsers trip on. */
export function nested(depth: number, kind: "array" | "object"): unknown {
  let value: unknown = "bottom";
  for (let i = 0; i < depth; i++) value = kind === "array" ? [value] : { a: value };
  return value;
}

export const deeplyNested = fc.tuple(fc.integer({ min: 50, max: 2000 }), fc.constantFrom("array", "object") as fc.Arbitrary<"array" | "object">).map(([d, k]) => nested(d, k));

/** Any JSON, including the awkward corners: deep nesting, big arrays, odd keys (__proto__, constructor). */
export const anyJson: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 6, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 1, arbitrary: deeplyNested },
  { weight: 1, arbitrary: fc.constantFrom({ __proto__: { text: "x" } }, JSON.parse('{"__proto__": {"text": "hi"}}'), { constructor: { prototype: 1 } }, { toString: 1, valueOf: 2 }) },
  { weight: 1, arbitrary: fc.integer({ min: 1000, max: 5000 }).map((n) => Array.from({ length: n }, (_, i) => i)) },
);

/** How each field of a generated record is filled. */
export interface FieldSpec {
  name: string;
  required?: boolean;
  valid: fc.Arbitrary<unknown>;
  /** Values that break the contract; omitted → the field is only ever valid or absent. */
  invalid?: fc.Arbitrary<unknown>;
  /** Values the contract leaves open (see Case.maybe). */
  unspecified?: fc.Arbitrary<unknown>;
}

/**
 * A record built from `fields`, each valid (mostly), absent (when optional) or invalid (sometimes),
 * with the names of the fields it got wrong. `invalidWeight` tunes how often a field is broken, so a
 * good share of records is wholly valid and travels the whole path.
 */
export function record(fields: FieldSpec[], options: { invalidWeight?: number; extra?: fc.Arbitrary<Record<string, unknown>> } = {}): fc.Arbitrary<Case<Record<string, unknown>>> {
  const w = options.invalidWeight ?? 1;
  type Slot = { kind: "valid" | "absent" | "invalid" | "unspecified"; value?: unknown };
  const slots = fields.map((f) => {
    const choices: fc.WeightedArbitrary<Slot>[] = [{ weight: 40, arbitrary: f.valid.map((value) => ({ kind: "valid" as const, value })) }];
    if (!f.required) choices.push({ weight: 12, arbitrary: fc.constant({ kind: "absent" as const }) });
    if (f.invalid) choices.push({ weight: Math.max(1, Math.round(10 * w)), arbitrary: f.invalid.map((value) => ({ kind: "invalid" as const, value })) });
    if (f.unspecified) choices.push({ weight: 3, arbitrary: f.unspecified.map((value) => ({ kind: "unspecified" as const, value })) });
    if (f.required) choices.push({ weight: Math.max(1, Math.round(5 * w)), arbitrary: fc.constant({ kind: "absent" as const }) });
    return fc.oneof(...choices);
  });
  return fc.tuple(fc.tuple(...slots), options.extra ?? fc.constant({})).map(([filled, extra]) => {
    const value: Record<string, unknown> = { ...extra };
    const bad: string[] = [];
    // The contracts do not say whether a key they do not know is ignored or refused (by its name).
    const maybe: string[] = Object.keys(extra);
    filled.forEach((slot, i) => {
      const f = fields[i]!;
      if (slot.kind !== "absent") value[f.name] = slot.value;
      if (slot.kind === "invalid" || (slot.kind === "absent" && f.required)) bad.push(f.name);
      if (slot.kind === "unspecified") maybe.push(f.name);
    });
    return { value, bad, maybe };
  });
}

/** Extra keys under names no contract uses (so they can only be ignored, or refused by name). */
export function extraKeys(valueArb: fc.Arbitrary<unknown> = fc.jsonValue({ maxDepth: 1 })): fc.Arbitrary<Record<string, unknown>> {
  return fc.dictionary(fc.stringMatching(/^zz[a-z]{1,6}$/), valueArb, { maxKeys: 2 });
}

/** n pseudo-random bytes from a seed (a generated Uint8Array of 64 kB would be slow to shrink). */
export function bytes(n: number, seed: number): Buffer {
  const out = Buffer.alloc(n);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < n; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}
