/**
 * PII redaction speed: time per 100,000 characters for each adversarial family (inputs built to make
 * a backtracking pattern retry from every position) and for ordinary chat text, and the e-mail regex
 * redactPii used before (reimplemented here) against the current scan on CJK text without an '@'.
 *
 *   npx tsx bench/redact.ts [--runs 7] [--json]
 *
 * Each figure is the median of --runs timed calls after one warm-up call. The old regex is quadratic,
 * so it is timed at 2,000–16,000 characters and its 100,000-character time extrapolated from the largest.
 */
import { redactPii } from "../core/redact.ts";

const argv = process.argv.slice(2);
const opt = (name: string) => {
  const i = argv.indexOf(`--${name}`);
  return i >= 0 ? argv[i + 1] : undefined;
};
const runs = Number(opt("runs") ?? 7);
const json = argv.includes("--json");

const N = 100_000;
const fill = (unit: string, length = N) => unit.repeat(Math.ceil(length / unit.length)).slice(0, length);

const chat = [
  "Hi, I'm looking for trail running shoes in size 42, under $120 if possible.",
  "Do you have the red wool hat in stock? Order #A12345 still hasn't arrived since 2025-01-31.",
  "我想买一件羽绒服，预算1299元左右，尺码 L，颜色要黑色的。",
  "订单号 2024123456 什么时候发货？我的手机 13800138000，谢谢！",
  "Please email me at jane.doe@example.com or call +44 20 7946 0958 after 14:30.",
  "这双鞋 42 码偏小吗？我平时穿 41.5，价格 ¥499 可以优惠吗？",
  "Compare the iPhone 15 Pro 256GB and the Pixel 8 please, and what about 2 x 500ml bottles?",
  "My card 4111 1111 1111 1111 was charged twice for order 12345.",
].join(" ");

const families: [string, string][] = [
  ["CJK letters, no '@' (e-mail scan)", fill("中文没有空格也没有邮件地址")],
  ["one '@' between CJK runs, no domain", `${"字".repeat(N / 2 - 1)}@${"字".repeat(N / 2)}`],
  ['"a@" repeated', fill("a@")],
  ['"1-" repeated', fill("1-")],
  ['"1 " repeated', fill("1 ")],
  ['"12." repeated', fill("12.")],
  ["100,000 digits, unbroken", fill("7")],
  ['"(1" repeated', fill("(1")],
  ['"+1 (" repeated', fill("+1 (")],
  ["phone numbers in one run", fill("5551234567 ")],
  ["phone numbers after a word", fill("call me on 5551234567, ")],
  ['"DE89 " repeated (IBAN starts)', fill("DE89 ")],
  ["mixed", fill("a@1-中.b 2@x-3.(4)+5 订单6# ")],
  ["ordinary chat (EN + ZH, some PII)", fill(`${chat} `)],
];

function median(fn: () => void): number {
  fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const round = (ms: number) => Math.round(ms * 100) / 100;
const results = families.map(([family, text]) => ({ family, chars: text.length, ms: round(median(() => redactPii(text))) }));

// The e-mail pattern redactPii used before; `[class]+@` retried from every start of a letter run.
const OLD_EMAIL = /[\p{L}\p{N}._%+-]+@[\p{L}\p{N}.-]+\.[\p{L}]{2,}/gu;
const sizes = [2_000, 4_000, 8_000, 16_000];
const comparison = sizes.map((size) => {
  const text = fill("中文没有空格也没有邮件地址", size);
  return { chars: size, oldMs: round(median(() => text.replace(OLD_EMAIL, "[email]"))), newMs: round(median(() => redactPii(text))) };
});
const largest = comparison.at(-1)!;
const oldAt100k = round(largest.oldMs * (N / largest.chars) ** 2);

if (json) console.log(JSON.stringify({ runs, results, emailCjk: { comparison, oldAt100kExtrapolatedMs: oldAt100k, newAt100kMs: results[0]!.ms } }, null, 2));
else {
  console.log(`redactPii, median of ${runs} runs, ms per ${N.toLocaleString("en")} characters`);
  for (const r of results) console.log(`  ${r.family.padEnd(40)} ${r.ms.toFixed(2).padStart(9)} ms`);
  console.log("\ne-mail on CJK text without '@': old regex vs current scan (whole redactPii)");
  console.log(`  ${"chars".padStart(8)} ${"old ms".padStart(10)} ${"new ms".padStart(10)}`);
  for (const c of comparison) console.log(`  ${String(c.chars).padStart(8)} ${c.oldMs.toFixed(2).padStart(10)} ${c.newMs.toFixed(2).padStart(10)}`);
  console.log(`  ${"100000".padStart(8)} ${`~${(oldAt100k / 1000).toFixed(0)} s`.padStart(10)} ${results[0]!.ms.toFixed(2).padStart(10)}   (old extrapolated as n² from ${largest.chars})`);
}
