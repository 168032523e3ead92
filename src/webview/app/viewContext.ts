import type { LayerFocus } from '../interaction/layerFocus';
import type { HostChannel } from '../host/vscodeApi';
import type { InspectorModel } from '../state/model';
import type { UiState } from '../state/uiState';
import type { CardRegistry } from './cardRegistry';
import type { ChartCard } from './chartCard';

/** What every view needs from the app; passed down instead of globals. */
export interface ViewContext {
  readonly channel: HostChannel;
  readonly model: InspectorModel;
  readonly layerFocus: LayerFocus;
  /** Every chart card on the page, for host commands that name a chart. */
  readonly cards: CardRegistry<ChartCard>;
  ui(): UiState;
  /** Applies a change to the UI state, saves it, and re-renders what depends on it. */
  updateUi(patch: Partial<UiState>): void;
  /** A short message in the page's status line (export results, for instance). */
  announce(text: string): void;
}
