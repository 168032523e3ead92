// Page object for the VS Code workbench in the browser: palette, quick input,
// the Invertscope sidebar, hovers and notifications. Every wait is bounded.
import { join } from 'node:path';

export const SHORT = 15_000;
export const LONG = 60_000;

export class Workbench {
  constructor(page, artifacts) {
    this.page = page;
    this.artifacts = artifacts;
    this.quickInput = page.locator('.quick-input-widget');
    this.quickInputBox = this.quickInput.locator('.quick-input-box input');
  }

  async waitReady() {
    await this.page.locator('.monaco-workbench').waitFor({ timeout: LONG });
    await this.page.locator('.activitybar').waitFor({ timeout: LONG });
  }

  /** Runs a command by its palette label, e.g. "Invertscope: Train Model…". */
  async runCommand(label) {
    await this.openPalette(label);
    const row = this.quickRow(label);
    await row.waitFor({ state: 'visible', timeout: SHORT });
    await this.parkPointer();
    await row.click();
  }

  async openPalette(filter) {
    await this.page.keyboard.press('Escape');
    await this.page.keyboard.press('F1');
    await this.quickInputBox.waitFor({ state: 'visible', timeout: SHORT });
    await this.quickInputBox.fill(`>${filter}`);
  }

  /** Labels of the palette's rows for a filter (the palette stays open; Escape closes it). */
  async paletteLabels(filter) {
    await this.openPalette(filter);
    await this.quickInput.locator('.monaco-list-row').first().waitFor({ timeout: SHORT });
    // Let the list settle: rows arrive as the filter is applied.
    await this.page.waitForTimeout(300);
    const labels = await this.quickInput.locator('.monaco-list-row .label-name').allTextContents();
    await this.page.keyboard.press('Escape');
    return labels.map((l) => l.replace(/\s+/g, ' ').trim());
  }

  /** A quick pick row whose label is exactly `label`. */
  quickRow(label) {
    return this.quickInput
      .locator('.monaco-list-row')
      .filter({
        has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }),
      })
      .first();
  }

  /** In an open quick pick: clicks the item with this exact label. */
  async pick(label) {
    await this.quickInputBox.waitFor({ state: 'visible', timeout: SHORT });
    const row = this.quickRow(label);
    await row.waitFor({ state: 'visible', timeout: SHORT });
    // The pointer still rests where the previous step was clicked, and the hover it
    // raises over the new list would take this click; park it first.
    await this.parkPointer();
    await row.click();
  }

  /** Moves the pointer to an empty spot of the editor area and lets any hover close. */
  async parkPointer() {
    const size = this.page.viewportSize() ?? { width: 1400, height: 900 };
    await this.page.mouse.move(size.width - 60, size.height - 120);
    await this.page
      .locator('.monaco-hover, .workbench-hover, .context-view .hover-contents')
      .first()
      .waitFor({ state: 'hidden', timeout: 3000 })
      .catch(() => undefined);
  }

  /** In an open input box: optionally replaces the text, then presses Enter. */
  async acceptInput(value) {
    await this.quickInputBox.waitFor({ state: 'visible', timeout: SHORT });
    if (value !== undefined) await this.quickInputBox.fill(value);
    await this.quickInputBox.press('Enter');
  }

  /** The title of the quick input once one is shown (the palette has none). */
  async quickTitle() {
    const title = this.quickInput.locator('.quick-input-title');
    await title.filter({ hasText: /\S/ }).waitFor({ timeout: SHORT });
    return ((await title.textContent()) ?? '').trim();
  }

  /** Waits until the quick input's title matches, e.g. /\(3\/4\)/ for the third step of a flow. */
  async waitForTitle(pattern) {
    await this.quickInput.locator('.quick-input-title', { hasText: pattern }).waitFor({ timeout: SHORT });
  }

  /** Waits for a quick input whose hint text (the input's empty-state text) matches `pattern` and returns it; the palette's own comes first. */
  async quickHint(pattern) {
    let last = '';
    return eventually(
      async () => {
        last = (await this.quickInputBox.getAttribute('placeholder').catch(() => '')) ?? '';
        return pattern.test(last) ? last : null;
      },
      SHORT,
      () => `no quick input with a hint like ${pattern}; last seen: ${JSON.stringify(last)}`,
      100,
    );
  }

  activityItem(title) {
    return this.page.locator(`.activitybar [aria-label^="${title}"]`).first();
  }

  async openContainer(title) {
    const item = this.activityItem(title);
    await item.waitFor({ timeout: LONG });
    const checked = await item.getAttribute('aria-checked').catch(() => null);
    const expanded = await item.getAttribute('aria-expanded').catch(() => null);
    if (checked !== 'true' && expanded !== 'true') await item.click();
    await this.page.locator('.part.sidebar').waitFor({ timeout: SHORT });
  }

  /** Drags the sidebar's edge so run ids and descriptions fit (screenshots stay readable). */
  async widenSidebar(width = 560) {
    const box = await this.page.locator('.part.sidebar').boundingBox();
    if (!box || box.width >= width) return;
    const y = box.y + box.height / 2;
    await this.page.mouse.move(box.x + box.width + 1, y);
    await this.page.mouse.down();
    await this.page.mouse.move(box.x + width, y, { steps: 8 });
    await this.page.mouse.up();
  }

  /** The sidebar pane of a view, by its header title. */
  pane(title) {
    return this.page.locator('.part.sidebar .pane', { has: this.page.locator('.pane-header', { hasText: title }) });
  }

  treeRow(paneTitle, label) {
    return this.pane(paneTitle)
      .locator('.monaco-list-row', {
        has: this.page.locator('.label-name', { hasText: new RegExp(`^\\s*${escapeRegExp(label)}\\s*$`) }),
      })
      .first();
  }

  async treeLabels(paneTitle) {
    return (await this.pane(paneTitle).locator('.monaco-list-row .label-name').allTextContents()).map((t) => t.trim());
  }

  async rowDescription(row) {
    return (
      (await row
        .locator('.label-description')
        .textContent()
        .catch(() => '')) ?? ''
    ).trim();
  }

  /** Expands a collapsed tree row (clicking the twistie does not run the row's command). */
  async expand(row) {
    if ((await row.getAttribute('aria-expanded')) === 'false') await row.locator('.monaco-tl-twistie').click();
  }

  /** Hovers a row and returns the text of the hover that appears. */
  async hoverText(row, mustInclude) {
    const hover = this.page.locator('.monaco-hover, .workbench-hover').filter({ hasText: mustInclude }).first();
    const deadline = Date.now() + SHORT;
    while (Date.now() < deadline) {
      await this.page.mouse.move(0, 0);
      await row.hover();
      if (await hover.isVisible().catch(() => false)) break;
      await hover.waitFor({ state: 'visible', timeout: 3000 }).catch(() => undefined);
      if (await hover.isVisible().catch(() => false)) break;
    }
    return ((await hover.innerText({ timeout: 1000 })) ?? '').replace(/\s+/g, ' ').trim();
  }

  toast(text) {
    return this.page.locator('.notifications-toasts .notification-list-item-message', { hasText: text }).first();
  }

  async toastTexts() {
    return (await this.page.locator('.notifications-toasts .notification-list-item-message').allTextContents()).map(
      (t) => t.trim(),
    );
  }

  tab(label) {
    return this.page.locator('.tabs-container .tab', { hasText: label }).first();
  }

  async screenshot(name) {
    const path = join(this.artifacts, `${name}.png`);
    await this.page.screenshot({ path }).catch(() => undefined);
    return path;
  }

  /**
   * A screenshot of one part of the workbench (e.g. '.part.sidebar'), as the README shows it:
   * `height` cuts it (a tree's empty lower part), `extraWidth` takes in a hover beside it.
   */
  async screenshotPart(selector, name, { height, extraWidth = 0 } = {}) {
    const path = join(this.artifacts, `${name}.png`);
    const box = await this.page.locator(selector).first().boundingBox();
    if (!box) throw new Error(`no ${selector} to take a screenshot of`);
    const page = this.page.viewportSize() ?? { width: 1400, height: 900 };
    await this.page.screenshot({
      path,
      clip: {
        x: box.x,
        y: box.y,
        width: Math.min(page.width - box.x, box.width + extraWidth),
        height: Math.min(box.height, height ?? box.height),
      },
    });
    return path;
  }

  /** The text of this extension's status bar item with the given id, or null when it is not shown. */
  async statusBarText(id) {
    const item = this.page.locator(`.part.statusbar .statusbar-item[id$="${id}"]`).first();
    if (!(await item.isVisible().catch(() => false))) return null;
    return ((await item.textContent().catch(() => '')) ?? '').trim() || null;
  }

  /** Fails with the error toasts on screen, which usually say why a step did not happen. */
  async failWithToasts(what) {
    const toasts = await this.toastTexts();
    throw new Error(
      `${what}${toasts.length ? `; notifications on screen: ${toasts.map((t) => JSON.stringify(t)).join(', ')}` : ''}`,
    );
  }
}

export function escapeRegExp(text) {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Waits until `check` returns a truthy value (returned), polling; throws `message()` after `timeoutMs`. */
export async function eventually(check, timeoutMs, message, intervalMs = 500) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(await message());
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
