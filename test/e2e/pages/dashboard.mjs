// Page object for the runs dashboard webview. VS Code nests a webview in two
// iframes; with an inspector open as well, the dashboard is the one whose page
// says data-app="dashboard".
import { LONG, SHORT, eventually } from './workbench.mjs';

export class Dashboard {
  constructor(page) {
    this.page = page;
    this.frame = null;
  }

  /** Waits for the dashboard's table (the host's rows have arrived and been drawn). */
  async waitLoaded() {
    this.frame = await eventually(
      async () => {
        const outer = this.page.locator('iframe.webview.ready');
        for (let i = 0; i < (await outer.count()); i++) {
          const frame = this.page.frameLocator('iframe.webview.ready').nth(i).frameLocator('#active-frame');
          if ((await frame.locator('#app[data-app="dashboard"]').count()) > 0) return frame;
        }
        return null;
      },
      LONG,
      async () => 'no dashboard webview appeared',
    );
    await this.frame.locator('table.runs-table tbody tr[data-run]').first().waitFor({ timeout: LONG });
  }

  row(runId) {
    return this.frame.locator(`table.runs-table tbody tr[data-run="${runId}"]`);
  }

  async tick(runId) {
    await this.row(runId).locator('input[data-control="select-run"]').check({ timeout: SHORT });
  }

  lossLines() {
    return this.frame.locator('svg[data-chart="runs-loss"] path.run-line');
  }

  async text() {
    return ((await this.frame.locator('body').textContent({ timeout: SHORT })) ?? '').replace(/\s+/g, ' ').trim();
  }
}
