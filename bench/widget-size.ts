/**
 * `npm run bench -- --only widget-size`: what a shop's visitors download for the widget, gzipped
 * (level 9, as a proxy or CDN would serve it) and raw. The widget's own code is what the ≤ 25 kB
 * target covers; the voice modules load only when the microphone is first pressed, and the
 * socket.io client is socket.io's own file, served by the service.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { brotliCompressSync, constants, gzipSync } from "node:zlib";

const web = path.resolve(import.meta.dirname, "../web");
const socketIoDir = path.join(path.dirname(createRequire(import.meta.url).resolve("socket.io/package.json")), "client-dist");
const TARGET_GZ = 25 * 1024;

interface Row {
  part: string;
  files: string[];
  when: string;
}

const rows: Row[] = [
  { part: "widget (own code)", files: [path.join(web, "widget.js")], when: "on page load" },
  { part: "voice (own code)", files: [path.join(web, "widget-voice.js")], when: "first microphone press" },
  {
    part: "voice (kiosk modules reused)",
    files: ["kiosk-mic.js", "kiosk-player.js", "kiosk-audio.js", "kiosk-worklet.js"].map((f) => path.join(web, f)),
    when: "first microphone press",
  },
  { part: "socket.io client (socket.io.min.js)", files: [path.join(socketIoDir, "socket.io.min.js")], when: "first open" },
];

const kb = (n: number) => `${(n / 1024).toFixed(1)} kB`;
const measure = (files: string[]) => {
  let raw = 0;
  let gz = 0;
  let br = 0;
  for (const file of files) {
    const bytes = readFileSync(file);
    raw += bytes.length;
    gz += gzipSync(bytes, { level: 9 }).length;
    br += brotliCompressSync(bytes, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }).length;
  }
  return { raw, gz, br };
};

console.log("part                                   raw        gzip -9    brotli     loaded");
let own = 0;
for (const row of rows) {
  const { raw, gz, br } = measure(row.files);
  if (row.part.includes("own code")) own += gz;
  console.log(`${row.part.padEnd(38)} ${kb(raw).padStart(9)}  ${kb(gz).padStart(9)}  ${kb(br).padStart(9)}  ${row.when}`);
}
console.log(`\nwidget's own code, gzipped: ${kb(own)} (${own} bytes) — target ≤ ${kb(TARGET_GZ)}: ${own <= TARGET_GZ ? "within" : "OVER"}`);
