import type { CheckpointRef } from '../../shared/checkpointRef';
import { button, progressRing } from '../ui/controls';
import { el } from './dom';
import type { ViewContext } from './viewContext';

/** The three states a checkpoint area can be in besides showing an analysis. */
export function loadingView(title: string, message: string, fraction: number | null): HTMLElement {
  const percent = fraction === null ? '' : ` (${Math.round(Math.min(1, Math.max(0, fraction)) * 100)}%)`;
  const bar = el('progress', { class: 'state-progress', attrs: { max: '1', 'aria-label': `${title}: progress` } });
  if (fraction !== null) bar.value = Math.min(1, Math.max(0, fraction));
  else bar.removeAttribute('value'); // an indeterminate bar
  return el(
    'div',
    { class: 'state state-loading', attrs: { role: 'status', 'aria-live': 'polite' }, data: { state: 'loading' } },
    [
      progressRing(title),
      el('div', { class: 'state-text' }, [
        el('p', { class: 'state-title', text: title }),
        el('p', { class: 'state-detail', text: `${message}${percent}` }),
        bar,
      ]),
    ],
  );
}

export function errorView(
  context: ViewContext,
  title: string,
  message: string,
  ref: CheckpointRef | null,
): HTMLElement {
  const actions = el('div', { class: 'state-actions' }, [
    ...(ref
      ? [
          button({
            name: 'retry',
            label: 'Retry',
            appearance: 'primary',
            onClick: () => context.channel.post({ type: 'retry', ref }),
          }),
        ]
      : []),
    button({ name: 'open-log', label: 'Open Log', onClick: () => context.channel.post({ type: 'openLog' }) }),
  ]);
  return el('div', { class: 'state state-error', attrs: { role: 'alert' }, data: { state: 'error' } }, [
    el('p', { class: 'state-title', text: title }),
    el('p', { class: 'state-detail', text: message }),
    actions,
  ]);
}

export function emptyView(title: string, detail: string): HTMLElement {
  return el('div', { class: 'state state-empty', data: { state: 'empty' } }, [
    el('p', { class: 'state-title', text: title }),
    el('p', { class: 'state-detail', text: detail }),
  ]);
}
