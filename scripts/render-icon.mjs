// Renders the Marketplace icon, media/icon.png (128 × 128), from the glyph of the activity
// bar, media/icon.svg, in white on a rounded square, with Debian's Chromium; and a preview
// of both at 16, 24, 32 and 128 px (test-artifacts/icon-preview.png), enlarged pixel for
// pixel, to check that they read at 16 px. Run by hand after changing the glyph:
// `node scripts/render-icon.mjs`.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium } from '../test/e2e/lib/browser.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const glyph = readFileSync(join(root, 'media/icon.svg'), 'utf8');
const inner = glyph.replace(/^[\s\S]*?<svg[^>]*>/, '').replace(/<\/svg>\s*$/, '');
// The glyph's 16-unit grid is the badge's, 8 px per unit: scaled down to 16 px, every
// edge of the glyph falls on a pixel edge, as in the activity bar icon.
const badge = `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128">
  <defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1"><stop offset="0" stop-color="#3557c7"/><stop offset="1" stop-color="#1d2f7a"/></linearGradient></defs>
  <rect width="128" height="128" rx="24" fill="url(#g)"/>
  <g transform="scale(8)" fill="#ffffff">${inner}</g>
</svg>`;

const browser = await launchChromium();
try {
  const page = await browser.newPage();
  const render = (svg, size, background) =>
    page.evaluate(
      async ({ svg, size, background }) => {
        const img = new Image();
        img.src = `data:image/svg+xml;base64,${btoa(unescape(encodeURIComponent(svg)))}`;
        await img.decode();
        const canvas = document.createElement('canvas');
        canvas.width = size;
        canvas.height = size;
        const ctx = canvas.getContext('2d');
        if (background) {
          ctx.fillStyle = background;
          ctx.fillRect(0, 0, size, size);
        }
        ctx.drawImage(img, 0, 0, size, size);
        return canvas.toDataURL('image/png');
      },
      { svg, size, background },
    );
  const png = (dataUrl) => Buffer.from(dataUrl.split(',')[1], 'base64');
  writeFileSync(join(root, 'media/icon.png'), png(await render(badge, 128, null)));

  // Preview: each icon at its real size, then enlarged ×(128/size) without smoothing.
  const sizes = [16, 24, 32, 128];
  const rows = [
    [badge, '#ffffff'],
    [badge, '#1e1e1e'],
    [glyph.replaceAll('currentColor', '#cccccc'), '#1e1e1e'],
    [glyph.replaceAll('currentColor', '#424242'), '#f3f3f3'],
  ];
  const cells = [];
  for (const [svg, background] of rows) for (const size of sizes) cells.push(await render(svg, size, background));
  const sheet = await page.evaluate(
    async ({ cells, columns, rows }) => {
      const cell = 136;
      const canvas = document.createElement('canvas');
      canvas.width = columns * 2 * cell;
      canvas.height = rows * cell;
      const ctx = canvas.getContext('2d');
      ctx.imageSmoothingEnabled = false;
      ctx.fillStyle = '#808080';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      for (const [k, url] of cells.entries()) {
        const img = new Image();
        img.src = url;
        await img.decode();
        const r = Math.floor(k / columns),
          c = k % columns;
        ctx.drawImage(img, c * cell + 4, r * cell + 4);
        ctx.drawImage(img, (columns + c) * cell + 4, r * cell + 4, 128, 128);
      }
      return canvas.toDataURL('image/png');
    },
    { cells, columns: sizes.length, rows: rows.length },
  );
  mkdirSync(join(root, 'test-artifacts'), { recursive: true });
  writeFileSync(join(root, 'test-artifacts/icon-preview.png'), png(sheet));
  console.log('wrote media/icon.png and test-artifacts/icon-preview.png');
} finally {
  await browser.close();
}
