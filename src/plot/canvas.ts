// A tiny RGB canvas for the PNG plots (showBatch, lrFind, confusion matrix, top losses): rectangles,
// lines, images scaled by nearest neighbour, and text in an 8×13 bitmap font (font.ts).

import { writeBytes } from '../io/platform.js';
import { rgbImage, type RgbImage } from '../data/image.js';
import { imageIO } from '../data/loader.js';
import { GLYPH_HEIGHT, GLYPH_WIDTH, GLYPHS } from './font.js';

export type Rgb = [number, number, number];

export const WHITE: Rgb = [255, 255, 255];
export const BLACK: Rgb = [0, 0, 0];
export const GRAY: Rgb = [190, 190, 190];
export const BLUE: Rgb = [31, 119, 180];
export const RED: Rgb = [214, 39, 40];
export const GREEN: Rgb = [44, 160, 44];

export const LINE_HEIGHT = GLYPH_HEIGHT + 2;

export class Canvas {
  readonly image: RgbImage;
  constructor(
    readonly width: number,
    readonly height: number,
    background: Rgb = WHITE,
  ) {
    this.image = rgbImage(width, height);
    this.fillRect(0, 0, width, height, background);
  }

  setPixel(x: number, y: number, c: Rgb): void {
    x = Math.round(x);
    y = Math.round(y);
    if (x < 0 || y < 0 || x >= this.width || y >= this.height) return;
    this.image.data.set(c, (y * this.width + x) * 3);
  }

  fillRect(x: number, y: number, w: number, h: number, c: Rgb): void {
    for (let yy = Math.max(0, y); yy < Math.min(this.height, y + h); yy++) for (let xx = Math.max(0, x); xx < Math.min(this.width, x + w); xx++) this.setPixel(xx, yy, c);
  }

  /** A straight line (as many steps as the longer axis). */
  line(x0: number, y0: number, x1: number, y1: number, c: Rgb): void {
    const steps = Math.max(1, Math.ceil(Math.max(Math.abs(x1 - x0), Math.abs(y1 - y0))));
    for (let i = 0; i <= steps; i++) this.setPixel(x0 + ((x1 - x0) * i) / steps, y0 + ((y1 - y0) * i) / steps, c);
  }

  /** Text with its top-left corner at (x, y); characters outside printable ASCII draw as '?'. */
  text(x: number, y: number, s: string, c: Rgb = BLACK): void {
    [...s].forEach((ch, i) => {
      const code = ch.charCodeAt(0);
      const glyph = GLYPHS[code >= 32 && code < 127 ? code - 32 : 31]!;
      for (let row = 0; row < GLYPH_HEIGHT; row++) {
        const bits = parseInt(glyph.slice(row * 2, row * 2 + 2), 16);
        for (let col = 0; col < GLYPH_WIDTH; col++) if (bits & (0x80 >> col)) this.setPixel(x + i * GLYPH_WIDTH + col, y + row, c);
      }
    });
  }

  static textWidth(s: string): number {
    return s.length * GLYPH_WIDTH;
  }

  /** Draws img scaled to w×h (nearest neighbour) at (x, y). */
  drawImage(img: RgbImage, x: number, y: number, w = img.width, h = img.height): void {
    for (let yy = 0; yy < h; yy++) {
      const sy = Math.min(img.height - 1, Math.floor((yy * img.height) / h));
      for (let xx = 0; xx < w; xx++) {
        const s = (sy * img.width + Math.min(img.width - 1, Math.floor((xx * img.width) / w))) * 3;
        this.setPixel(x + xx, y + yy, [img.data[s]!, img.data[s + 1]!, img.data[s + 2]!]);
      }
    }
  }

  /** Writes the canvas as a PNG file (atomically). */
  async save(path: string): Promise<void> {
    await writeBytes(path, await imageIO().encodePng(this.image));
  }
}

/** A grid of labelled images, `cols` wide: showBatch and plotTopLosses. */
export function imageGrid(cells: { image: RgbImage; lines: string[]; color?: Rgb }[], cols: number, cellSize: number): Canvas {
  const linesPer = Math.max(1, ...cells.map((c) => c.lines.length));
  const textW = Math.max(...cells.flatMap((c) => c.lines.map(Canvas.textWidth)));
  const cw = Math.max(cellSize, textW) + 8;
  const ch = cellSize + linesPer * LINE_HEIGHT + 8;
  const rows = Math.ceil(cells.length / cols);
  const cv = new Canvas(cols * cw, rows * ch);
  cells.forEach((cell, i) => {
    const x = (i % cols) * cw + 4;
    const y = Math.floor(i / cols) * ch + 4;
    cell.lines.forEach((l, k) => cv.text(x, y + k * LINE_HEIGHT, l, cell.color ?? BLACK));
    cv.drawImage(cell.image, x, y + linesPer * LINE_HEIGHT, cellSize, cellSize);
  });
  return cv;
}
