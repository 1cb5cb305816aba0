/**
 * Draws the Teams app icons committed in ./assets: `npx tsx bot/teams/draw-icons.ts`.
 * A development tool (pngjs is a devDependency): the service and `concierge teams package` read the
 * committed PNGs and never run this.
 *
 * - color.png, 192×192: a white shopping bag on the widget's accent blue, filling the square (Teams
 *   rounds the corners itself), the bag inside the central 120 px as Microsoft's icon guidance asks.
 * - outline.png, 32×32: the same bag in white on a transparent background, nothing else.
 */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { PNG } from "pngjs";
import { ACCENT_COLOR } from "./manifest.ts";

/** Whether the point (x, y), both in 0..1 of the glyph's box, is on the bag. */
function insideBag(x: number, y: number): boolean {
  // Body: a trapezoid, wider at the bottom, with two holes where the handle is threaded.
  const [top, bottom] = [0.36, 0.94];
  const t = (y - top) / (bottom - top);
  const half = 0.3 + 0.08 * t;
  const holes = [0.36, 0.64].some((hx) => Math.hypot(x - hx, y - 0.46) < 0.035);
  if (y >= top && y <= bottom && Math.abs(x - 0.5) <= half && !holes) return true;
  // Handle: a slim arch above the body, meeting it over the holes.
  const [cx, cy, outer, inner] = [0.5, 0.36, 0.175, 0.11];
  const d = Math.hypot(x - cx, y - cy);
  return y <= cy && d <= outer && d >= inner;
}

/** Fraction of the pixel covered, sampled on an n×n grid so the edges are anti-aliased. */
function coverage(px: number, py: number, box: { x: number; y: number; size: number }, n = 8): number {
  let hits = 0;
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) {
      const x = (px + (i + 0.5) / n - box.x) / box.size;
      const y = (py + (j + 0.5) / n - box.y) / box.size;
      if (x >= 0 && x <= 1 && y >= 0 && y <= 1 && insideBag(x, y)) hits++;
    }
  }
  return hits / (n * n);
}

function draw(size: number, glyph: number, background?: [number, number, number]): Buffer {
  const png = new PNG({ width: size, height: size });
  // The bag spans 0.2..0.94 of its box's height: lifted by 0.07 it sits in the middle.
  const box = { x: (size - glyph) / 2, y: (size - glyph) / 2 - 0.07 * glyph, size: glyph };
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      const c = coverage(x, y, box);
      const i = (y * size + x) * 4;
      if (background) {
        // White over the background, blended by coverage; fully opaque.
        for (let k = 0; k < 3; k++) png.data[i + k] = Math.round(background[k]! + (255 - background[k]!) * c);
        png.data[i + 3] = 255;
      } else {
        // White only; the edge's anti-aliasing lives in alpha so no pixel is ever grey.
        png.data.fill(255, i, i + 3);
        png.data[i + 3] = Math.round(255 * c);
      }
    }
  }
  return PNG.sync.write(png, { colorType: 6 });
}

const hex = ACCENT_COLOR.slice(1);
const accent: [number, number, number] = [0, 2, 4].map((k) => Number.parseInt(hex.slice(k, k + 2), 16)) as [number, number, number];
const dir = path.join(import.meta.dirname, "assets");
writeFileSync(path.join(dir, "color.png"), draw(192, 120, accent));
writeFileSync(path.join(dir, "outline.png"), draw(32, 28));
process.stdout.write(`wrote ${dir}/color.png and ${dir}/outline.png\n`);
