import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ExportMessage, WebviewMessage } from '../../src/contracts/inspectorProtocol';
import { buildAnalysis, SEED_RUN_ID } from './fixtures';
import { browserSuite, TEST_TIMEOUT_MS } from './harness/suite';
import type { InspectorPage } from './harness/inspectorPage';

const isExport =
  (chart: string, format: string) =>
  (m: WebviewMessage): m is ExportMessage =>
    m.type === 'export' && m.chart === chart && m.format === format;

async function exportChart(p: InspectorPage, chart: string, format: 'svg' | 'png' | 'csv'): Promise<ExportMessage> {
  await p.card(chart).locator(`.card-exports [data-control="export-${format}"]`).click();
  return await p.host.next(isExport(chart, format), 8000);
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(base64: string): { width: number; height: number } {
  const bytes = Buffer.from(base64, 'base64');
  assert.deepEqual([...bytes.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'PNG signature');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

describe('inspector exports', { timeout: 90_000 }, () => {
  const suite = browserSuite();
  const analysis = buildAnalysis(SEED_RUN_ID, 100);

  it('exports a chart as a standalone SVG with its colours inlined', { timeout: TEST_TIMEOUT_MS }, async () => {
    await suite.run('export-svg', {}, async (p) => {
      await p.waitForAnalysis();
      const message = await exportChart(p, 'condition', 'svg');
      assert.equal(message.encoding, 'utf8');
      assert.equal(message.suggestedName, `${SEED_RUN_ID}-epoch-100-condition.svg`);
      assert.match(
        message.content,
        /^<\?xml version="1.0" encoding="UTF-8"\?>\n<svg[^>]*xmlns="http:\/\/www.w3.org\/2000\/svg"/,
      );
      const bars = [...message.content.matchAll(/<rect[^>]*class="bar[^"]*"[^>]*>/g)].map((m) => m[0]);
      assert.equal(bars.length, 4);
      // Theme variables mean nothing outside the webview: every bar carries its computed colour.
      for (const bar of bars) assert.match(bar, /fill="rgb\(\d+, \d+, \d+\)"/);
      assert.ok(!message.content.includes('var(--'), 'no CSS variables left');
      assert.ok(!/tabindex/.test(message.content), 'no focus attributes in a file');
      assert.match(message.content, /<title>Condition number per layer/);
    });
  });

  it('exports a chart as a PNG at twice its size', { timeout: TEST_TIMEOUT_MS }, async () => {
    await suite.run('export-png', {}, async (p) => {
      await p.waitForAnalysis();
      const message = await exportChart(p, 'spectrum', 'png');
      assert.equal(message.encoding, 'base64');
      const box = await p.chart('spectrum').boundingBox();
      const size = pngSize(message.content);
      assert.equal(size.width, Math.round((box?.width ?? 0) * 2));
      assert.equal(size.height, Math.round((box?.height ?? 0) * 2));
      assert.ok(message.content.length > 10_000, 'a drawn chart, not an empty canvas');
    });
  });

  it('exports the data behind a chart as CSV', { timeout: TEST_TIMEOUT_MS }, async () => {
    await suite.run('export-csv', {}, async (p) => {
      await p.waitForAnalysis();
      const condition = await exportChart(p, 'condition', 'csv');
      const rows = condition.content.trim().split('\r\n');
      assert.equal(
        rows[0],
        'layer,sequential_index,cond,sigma_max,sigma_min,log_abs_det,frobenius,stable_rank,activation',
      );
      assert.equal(rows.length, 5);
      assert.equal(Number(rows[3].split(',')[2]), analysis.layers[2].cond, 'full precision, not the display rounding');

      const loss = await exportChart(p, 'loss', 'csv');
      assert.match(loss.content, /^type,epoch,step,loss,/);
      assert.ok(loss.content.includes(',NaN,'), 'a diverged step is written as NaN');
      assert.equal(loss.suggestedName, `${SEED_RUN_ID}-loss.csv`);
    });
  });

  it(
    "answers the host's export request with its requestId, for a named chart or the one in view",
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      await suite.run('export-requested', {}, async (p) => {
        await p.waitForAnalysis();
        await p.send({ type: 'requestExport', requestId: 'host-1', chart: 'spectrum', format: 'csv' });
        const named = await p.host.next(
          (m: WebviewMessage): m is ExportMessage => m.type === 'export' && m.requestId === 'host-1',
        );
        assert.equal(named.chart, 'spectrum');
        assert.match(named.content, /^rank,layer_1,layer_2,layer_3,layer_4\r\n/);

        await p.send({ type: 'revealChart', chart: 'distribution' });
        // The last card cannot scroll to the top of the view, but it must be wholly in it.
        const box = await p.card('distribution').boundingBox();
        const viewport = p.page.viewportSize();
        assert.ok(
          box && viewport && box.y >= 0 && box.y + box.height <= viewport.height,
          `the revealed card is in view (${JSON.stringify(box)})`,
        );
        await p.send({ type: 'requestExport', requestId: 'host-2', chart: null, format: 'svg' });
        const inView = await p.host.next(
          (m: WebviewMessage): m is ExportMessage => m.type === 'export' && m.requestId === 'host-2',
        );
        assert.equal(inView.chart, 'distribution');
      });
    },
  );

  it(
    'exports an image grid as SVG with the images embedded, and reports where the host saved it',
    { timeout: TEST_TIMEOUT_MS },
    async () => {
      await suite.run('export-grid', {}, async (p) => {
        await p.waitForAnalysis();
        const message = await exportChart(p, 'reconstruction', 'svg');
        const images = message.content.match(/<image [^>]*href="data:image\/png;base64,/g) ?? [];
        assert.equal(images.length, analysis.reconstruction.examples.length * 4);
        assert.ok(message.content.includes('float32 round trip'), 'column titles travel along');
        const generation = await exportChart(p, 'generation', 'svg');
        const summary = (await p.card('generation').locator('.grid-summary').first().textContent()) ?? '';
        const lines = [...generation.content.matchAll(/<text [^>]*>([^<]*)<\/text>/g)].map((m) => m[1]);
        const decode = (t: string) => t.replace(/&amp;/g, '&').replace(/&lt;/g, '<').replace(/&gt;/g, '>');
        const words = (t: string) => t.split(/\s+/).filter(Boolean).join(' ');
        const first = lines.findIndex((l) => summary.startsWith(decode(l).split(' ')[0]) && decode(l).length > 20);
        const rebuilt: string[] = [];
        for (let i = first; i >= 0 && i < lines.length && words(rebuilt.join(' ')).length < words(summary).length; i++)
          rebuilt.push(decode(lines[i]));
        assert.ok(rebuilt.length > 1, `the summary wraps onto ${rebuilt.length} SVG lines, as on the page`);
        assert.equal(words(rebuilt.join(' ')), words(summary), 'every word of the summary is in the figure, in order');
        const png = await exportChart(p, 'generation', 'png');
        assert.ok(pngSize(png.content).width > 300);
        await p.send({ type: 'exportResult', requestId: png.requestId, ok: true, detail: '/home/me/generation.png' });
        await p.page.locator('.status-line', { hasText: 'Saved /home/me/generation.png' }).waitFor();
      });
    },
  );
});
