import type { RunRecord } from '../../core/store/runTypes';
import type { RunSummary } from '../../contracts/inspectorProtocol';
import type { CheckpointRef } from '../../shared/checkpointRef';
import { checkpointKey, parseCheckpointKey } from '../../shared/checkpointRef';
import { button, dropdown, slider, type DropdownControl, type SliderControl } from '../ui/controls';
import { el } from './dom';
import type { ViewContext } from './viewContext';

/**
 * The run's identity and the two choices that decide what the page shows: which
 * checkpoint (a slider over the checkpoint epochs, the paper's 10/50/100/500
 * story) and what to compare it with.
 */
export interface HeaderActions {
  selectEpoch(epoch: number): void;
  compareWith(ref: CheckpointRef | null): void;
}

const NO_COMPARE = '';

export class Header {
  readonly element: HTMLElement;
  private readonly title = el('h1', { class: 'run-title' });
  private readonly meta = el('p', { class: 'run-meta' });
  private readonly status = el('span', { class: 'run-status' });
  private readonly ticks = el('div', { class: 'checkpoint-ticks', attrs: { 'aria-hidden': 'true' } });
  private readonly checkpointSlider: SliderControl;
  private readonly compareControl: DropdownControl;
  private readonly closeCompare: HTMLElement;
  private epochs: number[] = [];

  constructor(
    private readonly context: ViewContext,
    actions: HeaderActions,
    initialTitle: string,
  ) {
    this.title.textContent = initialTitle;
    this.checkpointSlider = slider({
      name: 'checkpoint',
      label: 'Checkpoint',
      min: 0,
      max: 0,
      step: 1,
      value: 0,
      format: (i) => (this.epochs[i] === undefined ? 'none' : `epoch ${this.epochs[i]}`),
      onChange: (i) => {
        const epoch = this.epochs[i];
        if (epoch !== undefined) actions.selectEpoch(epoch);
      },
    });
    this.compareControl = dropdown({
      name: 'compare',
      label: 'Compare with',
      choices: [{ value: NO_COMPARE, label: 'none' }],
      value: NO_COMPARE,
      onChange: (value) => actions.compareWith(value === NO_COMPARE ? null : parseRef(value)),
    });
    this.closeCompare = button({
      name: 'close-compare',
      label: 'Close comparison',
      onClick: () => actions.compareWith(null),
    });
    this.element = el('header', { class: 'run-header' }, [
      el('div', { class: 'run-identity' }, [
        el('div', { class: 'run-title-row' }, [this.title, this.status]),
        this.meta,
      ]),
      el('div', { class: 'run-controls' }, [
        el('div', { class: 'checkpoint-picker' }, [this.checkpointSlider.element, this.ticks]),
        this.compareControl.element,
        this.closeCompare,
      ]),
    ]);
  }

  update(run: RunRecord | undefined, summaries: readonly RunSummary[]): void {
    const ui = this.context.ui();
    if (run) {
      const summary = summaries.find((s) => s.id === run.id);
      const arch = run.config.architecture;
      this.title.textContent = summary?.label ?? run.id;
      this.meta.textContent =
        `${arch.name}: ${arch.layers.length} × Linear ${arch.width}→${arch.width}, LeakyReLU(${arch.negativeSlope}) · ` +
        `${run.config.objective === 'flow' ? 'exact-likelihood (flow) loss' : 'the paper\u2019s loss'} · batch ${run.config.batchSize}, lr ${run.config.learningRate}` +
        (run.backend ? ` · ${run.backend.description}` : '');
      this.status.textContent = run.status;
      this.status.dataset.status = run.status;
      this.epochs = run.checkpoints.map((c) => c.epoch).sort((a, b) => a - b);
    }
    const index = ui.epoch === null ? -1 : this.epochs.indexOf(ui.epoch);
    this.checkpointSlider.setRange(0, Math.max(0, this.epochs.length - 1), 1);
    this.checkpointSlider.setValue(Math.max(0, index));
    this.checkpointSlider.setDisabled(this.epochs.length < 2);
    this.ticks.replaceChildren(
      ...this.epochs.map((e, i) =>
        el('span', {
          class: `checkpoint-tick${i === index ? ' is-current' : ''}`,
          text: String(e),
        }),
      ),
    );

    const choices = [{ value: NO_COMPARE, label: 'none' }];
    for (const s of summaries) {
      for (const epoch of s.checkpointEpochs) {
        if (run && s.id === run.id && epoch === ui.epoch) continue;
        const ref = { runId: s.id, epoch };
        choices.push({
          value: checkpointKey(ref),
          label: run && s.id === run.id ? `this run · epoch ${epoch}` : `${s.label} · epoch ${epoch}`,
        });
      }
    }
    this.compareControl.setChoices(choices, ui.compare ? checkpointKey(ui.compare) : NO_COMPARE);
    this.compareControl.setDisabled(choices.length < 2);
    this.closeCompare.hidden = ui.compare === null;
  }
}

/** The checkpoint a compare choice's value names (written by checkpointKey). */
function parseRef(value: string): CheckpointRef | null {
  const parts = parseCheckpointKey(value);
  return parts && { runId: parts.runId, epoch: parts.epoch };
}
