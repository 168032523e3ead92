import type { ChartId } from '../../shared/charts';

/** What the registry needs of a card (ChartCard implements it); the inspector's cards have ChartIds, the dashboard's its own. */
export interface RegisteredCard<Id extends string = ChartId> {
  readonly id: Id;
  readonly element: HTMLElement;
}

/**
 * The chart cards currently on the page, so host commands can name a chart
 * ("reveal the reconstruction", "export what I am looking at") without knowing
 * the view tree.
 */
export class CardRegistry<C extends RegisteredCard<string> = RegisteredCard> {
  private readonly cards = new Set<C>();

  add(card: C): void {
    this.cards.add(card);
  }

  remove(card: C): void {
    this.cards.delete(card);
  }

  /** The first card showing `chart` in document order: the primary column wins over the compared one. */
  find(chart: C['id']): C | undefined {
    return this.inDocumentOrder().find((card) => card.id === chart);
  }

  /** Every card on the page, in document order. */
  all(): C[] {
    return this.inDocumentOrder();
  }

  /** The card with the largest area inside the viewport, if any is visible. */
  mostVisible(): C | undefined {
    const view = document.documentElement;
    let best: C | undefined;
    let bestArea = 0;
    for (const card of this.inDocumentOrder()) {
      const box = card.element.getBoundingClientRect();
      const width = Math.min(box.right, view.clientWidth) - Math.max(box.left, 0);
      const height = Math.min(box.bottom, view.clientHeight) - Math.max(box.top, 0);
      const area = Math.max(0, width) * Math.max(0, height);
      if (area > bestArea) {
        bestArea = area;
        best = card;
      }
    }
    return best;
  }

  private inDocumentOrder(): C[] {
    return [...this.cards]
      .filter((card) => card.element.isConnected)
      .sort((a, b) => (a.element.compareDocumentPosition(b.element) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1));
  }
}
