import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { decodePng as decode } from '../../helpers/decodePng';
import { encodePng } from '../../../src/core/image/png';
import { NON_FINITE_COLOUR, renderGrid } from '../../../src/core/image/imageGrid';

describe('encodePng', () => {
  it('round-trips pixels through zlib', () => {
    const rgb = Uint8Array.from({ length: 3 * 4 * 3 }, (_, i) => (i * 37) % 256);
    const back = decode(encodePng(3, 4, rgb));
    assert.equal(back.width, 3);
    assert.equal(back.height, 4);
    assert.deepEqual(new Uint8Array(back.rgb), rgb);
  });

  it('rejects a buffer of the wrong size', () => {
    assert.throws(() => encodePng(2, 2, new Uint8Array(5)), /expected 12 bytes of RGB for 2×2, got 5/);
  });
});

describe('renderGrid', () => {
  const ramp = Array.from({ length: 784 }, (_, i) => i / 783);

  it('draws pixel tiles as grey levels and non-finite values in the warning colour', () => {
    const broken = ramp.map((v, i) => (i === 0 ? Number.NaN : v));
    const img = renderGrid({
      rows: [
        {
          label: '7',
          tiles: [
            { values: ramp, scale: 'pixel' },
            { values: broken, scale: 'pixel' },
          ],
        },
      ],
      zoom: 1,
    });
    const at = (x: number, y: number) => [...img.rgb.subarray((y * img.width + x) * 3, (y * img.width + x) * 3 + 3)];
    const labelWidth = 5 + 8;
    assert.deepEqual(at(labelWidth + 27, 4 + 27), [255, 255, 255]);
    assert.deepEqual(at(labelWidth, 4), [0, 0, 0]);
    assert.deepEqual(at(labelWidth + 28 + 4, 4), [...NON_FINITE_COLOUR]);
  });

  it('stretches auto tiles from their own minimum to maximum', () => {
    const embedding = ramp.map((v) => 100 + 50 * v);
    const img = renderGrid({ rows: [{ label: '', tiles: [{ values: embedding, scale: 'auto' }] }], zoom: 1 });
    const x0 = 8,
      y0 = 4;
    assert.equal(img.rgb[(y0 * img.width + x0) * 3], 0);
    assert.equal(img.rgb[((y0 + 27) * img.width + x0 + 27) * 3], 255);
  });

  it('reserves room for a title and column headers', () => {
    const plain = renderGrid({ rows: [{ label: '1', tiles: [{ values: ramp, scale: 'pixel' }] }] });
    const titled = renderGrid({
      title: 'EPOCH 2',
      columnTitles: ['ORIGINAL'],
      rows: [{ label: '1', tiles: [{ values: ramp, scale: 'pixel' }] }],
    });
    assert.ok(titled.height > plain.height);
  });
});
