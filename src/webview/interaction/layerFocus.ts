/**
 * Which network layer the person is looking at, shared by every chart of every
 * panel: hovering or focusing layer 2 anywhere highlights layer 2 everywhere.
 */
export interface LayerDatum {
  /** 0-based Linear layer index, or null for data that belong to no layer. */
  readonly layer: number | null;
}

export function isLayerDatum(value: unknown): value is LayerDatum {
  if (typeof value !== 'object' || value === null || !('layer' in value)) return false;
  const layer = value.layer;
  return layer === null || (typeof layer === 'number' && Number.isInteger(layer) && layer >= 0);
}

export class LayerFocus {
  private current: number | null = null;
  private readonly listeners = new Set<(layer: number | null) => void>();

  get layer(): number | null {
    return this.current;
  }

  set(layer: number | null): void {
    if (layer === this.current) return;
    this.current = layer;
    for (const listener of this.listeners) listener(layer);
  }

  subscribe(listener: (layer: number | null) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}

/** "Layer 1" for index 0: people count layers from one. */
export function layerName(index: number): string {
  return `Layer ${index + 1}`;
}
