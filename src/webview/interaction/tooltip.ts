/**
 * The page's single tooltip element. Every chart's hover and keyboard focus goes
 * through here, so at most one tip is ever visible and the last owner wins.
 * Content is set with textContent only: values from analyses never become markup.
 */
import { TOOLTIP_ID } from '../../shared/webviewPage';

export interface TipContent {
  readonly title: string;
  readonly rows: ReadonlyArray<readonly [label: string, value: string]>;
  /** A closing line in a quieter style, e.g. what clicking does. */
  readonly note?: string;
}

export class Tooltip {
  private owner: object | null = null;
  private pinnedBy: object | null = null;

  constructor(private readonly element: HTMLElement) {
    element.setAttribute('role', 'tooltip');
    element.classList.add('tooltip');
    element.hidden = true;
  }

  /** The one tooltip of the document: the element the page template provides, or a new one. */
  static forDocument(doc: Document): Tooltip {
    const existing = tooltipByDocument.get(doc);
    if (existing) return existing;
    let element = doc.getElementById(TOOLTIP_ID);
    if (!element) {
      element = doc.createElement('div');
      element.id = TOOLTIP_ID;
      doc.body.append(element);
    }
    const tooltip = new Tooltip(element);
    tooltipByDocument.set(doc, tooltip);
    return tooltip;
  }

  get pinnedOwner(): object | null {
    return this.pinnedBy;
  }

  /** Shows `content` near the viewport point (x, y), flipping to stay on screen. */
  show(owner: object, content: TipContent, x: number, y: number, pinned = false): void {
    if (this.pinnedBy !== null && this.pinnedBy !== owner) return;
    this.owner = owner;
    this.pinnedBy = pinned ? owner : null;
    this.render(content, pinned);
    this.element.hidden = false;
    this.element.classList.toggle('is-pinned', pinned);
    this.place(x, y);
  }

  hide(owner: object): void {
    if (this.owner !== owner) return;
    this.owner = null;
    this.pinnedBy = null;
    this.element.hidden = true;
    this.element.classList.remove('is-pinned');
  }

  isShownBy(owner: object): boolean {
    return this.owner === owner && !this.element.hidden;
  }

  private render(content: TipContent, pinned: boolean): void {
    const doc = this.element.ownerDocument;
    const title = doc.createElement('div');
    title.className = 'tooltip-title';
    title.textContent = content.title;
    const table = doc.createElement('dl');
    table.className = 'tooltip-rows';
    for (const [label, value] of content.rows) {
      const dt = doc.createElement('dt');
      dt.textContent = label;
      const dd = doc.createElement('dd');
      dd.textContent = value;
      table.append(dt, dd);
    }
    const children: HTMLElement[] = [title, table];
    const noteText = pinned ? 'Pinned: click again or press Escape to release' : content.note;
    if (noteText) {
      const note = doc.createElement('div');
      note.className = 'tooltip-note';
      note.textContent = noteText;
      children.push(note);
    }
    this.element.replaceChildren(...children);
  }

  private place(x: number, y: number): void {
    const gap = 14;
    const view = this.element.ownerDocument.documentElement;
    const { width, height } = this.element.getBoundingClientRect();
    let left = x + gap;
    let top = y + gap;
    if (left + width > view.clientWidth - 4) left = Math.max(4, x - gap - width);
    if (top + height > view.clientHeight - 4) top = Math.max(4, y - gap - height);
    // CSSOM writes, not style attributes: the page's CSP forbids inline style attributes.
    this.element.style.left = `${left}px`;
    this.element.style.top = `${top}px`;
  }
}

const tooltipByDocument = new WeakMap<Document, Tooltip>();
