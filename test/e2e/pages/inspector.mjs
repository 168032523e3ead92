// Page object for the inspector webview: VS Code nests it in two iframes (the
// outer one hosts the inner #active-frame that holds our page).
import { LONG, SHORT } from './workbench.mjs';

export class Inspector {
  constructor(page) {
    this.page = page;
    this.frame = page.frameLocator('iframe.webview.ready').frameLocator('#active-frame');
    this.tooltip = this.frame.locator('#inspector-tooltip');
  }

  async waitLoaded() {
    await this.frame.locator('#app').waitFor({ timeout: LONG });
  }

  /** Resolves once the page shows the run's status (the host's `init` arrived and was drawn). */
  async waitForRun(status, timeout = LONG) {
    await this.frame.locator(`[data-status="${status}"]`).first().waitFor({ timeout });
  }

  card(chart) {
    return this.frame.locator(`section[data-card="${chart}"]`);
  }

  /** The bar of one layer in the condition-number chart. */
  conditionBar(layer) {
    return this.card('condition').locator(`[data-layer="${layer}"]`).first();
  }

  async hoverLayer(layer) {
    const bar = this.conditionBar(layer);
    await bar.waitFor({ timeout: SHORT });
    await bar.hover();
    await this.tooltip.waitFor({ state: 'visible', timeout: SHORT });
    return ((await this.tooltip.textContent()) ?? '').replace(/\s+/g, ' ').trim();
  }

  reconstructionRows() {
    return this.card('reconstruction').locator('.reconstruction-grid .grid-row[data-row]');
  }

  /** What the timeline card says it has analysed and is analysing. */
  async timelineStatus() {
    return ((await this.frame.locator('.timeline-status').textContent({ timeout: SHORT })) ?? '').trim();
  }

  /** The dots of one timeline figure ('jacobian-condition', 'round-trips', …), one per series and analysed checkpoint. */
  timelineDots(figure) {
    return this.frame.locator(`.timeline [data-figure="${figure}"] g.dots > path.trajectory-dot`);
  }

  /** The text of an error state the inspector shows ("The analysis of epoch 1 failed" and why), or ''. */
  async errorText() {
    const error = this.frame.locator('[data-state="error"]').first();
    if (!(await error.isVisible().catch(() => false))) return '';
    return ((await error.textContent()) ?? '').replace(/\s+/g, ' ').trim();
  }

  async text() {
    return ((await this.frame.locator('body').textContent({ timeout: SHORT })) ?? '').replace(/\s+/g, ' ').trim();
  }
}
