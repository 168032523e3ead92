import { accessor, type Accessor } from '../charts/accessor';
import { Tooltip, type TipContent } from './tooltip';

/**
 * The one hover helper every chart uses: listeners on the <svg>, the nearest
 * datum within a radius, at most one tooltip update per animation frame, click to
 * pin, Escape to release. The focused datum is published as a bubbling
 * `pointerfocus` CustomEvent on the svg, so linked views listen in one place.
 */
export interface PointerTarget<D> {
  /** Position in the svg's user coordinates (viewBox units). */
  readonly x: number;
  readonly y: number;
  readonly datum: D;
}

export interface PointerFocusDetail<D = unknown> {
  readonly datum: D | null;
  readonly pinned: boolean;
}

export const POINTER_FOCUS_EVENT = 'pointerfocus';

export type PointerMode = 'xy' | 'x';

export interface Pointer<D> {
  /** Attaches the listeners to `svg` (once per svg; calling again is harmless). */
  (svg: SVGSVGElement): Pointer<D>;
  targets: Accessor<Pointer<D>, () => readonly PointerTarget<D>[]>;
  radius: Accessor<Pointer<D>, number>;
  /** 'x' measures only horizontal distance (bars, per-stage and per-step charts). */
  mode: Accessor<Pointer<D>, PointerMode>;
  tip: Accessor<Pointer<D>, (datum: D) => TipContent>;
  /** Shows `datum` as if hovered, at a viewport point: keyboard focus uses this. */
  focus(datum: D, clientX: number, clientY: number): void;
  /** Hides the tip unless it is pinned. */
  blur(): void;
  /** Pins `datum`'s tip at a viewport point, or releases the pin: Enter on a focused mark. */
  togglePin(datum: D, clientX: number, clientY: number): void;
  /** Unpins and hides. */
  release(): void;
  current(): D | null;
}

export function pointer<D>(): Pointer<D> {
  let targets: () => readonly PointerTarget<D>[] = () => [];
  let radius = 24;
  let mode: PointerMode = 'xy';
  let tip: (datum: D) => TipContent = (datum) => ({ title: String(datum), rows: [] });
  let svg: SVGSVGElement | null = null;
  let focused: D | null = null;
  let pinned = false;
  let frame = 0;
  let last: { x: number; y: number } | null = null;
  const owner = {};

  const tooltip = (): Tooltip => Tooltip.forDocument((svg ?? document.documentElement).ownerDocument ?? document);

  function publish(): void {
    svg?.dispatchEvent(
      new CustomEvent<PointerFocusDetail<D>>(POINTER_FOCUS_EVENT, {
        bubbles: true,
        detail: { datum: focused, pinned },
      }),
    );
  }

  /** `announce` publishes even when the datum is unchanged (its pinned state changed). */
  function setFocus(datum: D | null, clientX: number, clientY: number, announce = false): void {
    const changed = datum !== focused;
    focused = datum;
    if (datum === null) tooltip().hide(owner);
    else tooltip().show(owner, tip(datum), clientX, clientY, pinned);
    placeMark(datum);
    if (changed || announce) publish();
  }

  /** A ring on the focused datum, so it is clear which point the tip describes. */
  function placeMark(datum: D | null): void {
    if (!svg) return;
    let mark = svg.querySelector<SVGCircleElement>(':scope > circle.pointer-mark');
    const target = datum === null ? undefined : targets().find((t) => t.datum === datum);
    if (!target) {
      mark?.setAttribute('visibility', 'hidden');
      return;
    }
    if (!mark) {
      mark = svg.ownerDocument.createElementNS('http://www.w3.org/2000/svg', 'circle');
      mark.setAttribute('class', 'pointer-mark');
      mark.setAttribute('r', '5');
      mark.setAttribute('aria-hidden', 'true');
    }
    svg.append(mark); // last child: drawn above the marks of a re-rendered chart
    mark.setAttribute('cx', String(target.x));
    mark.setAttribute('cy', String(target.y));
    mark.setAttribute('visibility', 'visible');
  }

  function nearest(clientX: number, clientY: number): D | null {
    if (!svg) return null;
    const matrix = svg.getScreenCTM();
    if (!matrix) return null;
    const p = new DOMPoint(clientX, clientY).matrixTransform(matrix.inverse());
    let best: D | null = null;
    let bestDistance = radius;
    for (const t of targets()) {
      const d = mode === 'x' ? Math.abs(t.x - p.x) : Math.hypot(t.x - p.x, t.y - p.y);
      if (d <= bestDistance) {
        bestDistance = d;
        best = t.datum;
      }
    }
    return best;
  }

  function onFrame(): void {
    frame = 0;
    if (!last || pinned) return;
    setFocus(nearest(last.x, last.y), last.x, last.y);
  }

  function onMove(event: PointerEvent): void {
    last = { x: event.clientX, y: event.clientY };
    if (frame === 0) frame = requestAnimationFrame(onFrame);
  }

  function onLeave(): void {
    last = null;
    if (!pinned) setFocus(null, 0, 0);
  }

  function onClick(event: MouseEvent): void {
    if (pinned) {
      pinned = false;
      setFocus(nearest(event.clientX, event.clientY), event.clientX, event.clientY, true);
      return;
    }
    const datum = nearest(event.clientX, event.clientY);
    if (datum === null) return;
    pinned = true;
    setFocus(datum, event.clientX, event.clientY, true);
  }

  function onKey(event: KeyboardEvent): void {
    // A redrawn chart replaces its svg and its pointer without telling the old one:
    // the document's listener of a pointer whose svg left the page removes itself.
    if (svg !== null && !svg.isConnected) {
      detach(svg);
      svg = null;
      return;
    }
    if (event.key === 'Escape' && (pinned || focused !== null)) api.release();
  }

  const api = ((element: SVGSVGElement) => {
    if (svg === element) return api;
    if (svg) detach(svg);
    svg = element;
    element.addEventListener('pointermove', onMove);
    element.addEventListener('pointerleave', onLeave);
    element.addEventListener('click', onClick);
    element.ownerDocument.addEventListener('keydown', onKey);
    return api;
  }) as Pointer<D>;

  function detach(element: SVGSVGElement): void {
    element.removeEventListener('pointermove', onMove);
    element.removeEventListener('pointerleave', onLeave);
    element.removeEventListener('click', onClick);
    element.ownerDocument.removeEventListener('keydown', onKey);
  }

  api.targets = accessor(
    api,
    'pointer.targets',
    () => targets,
    (v) => {
      targets = v;
    },
    (v) => typeof v === 'function',
  );
  api.radius = accessor(
    api,
    'pointer.radius',
    () => radius,
    (v) => {
      radius = v;
    },
    (v) => Number.isFinite(v) && v > 0,
  );
  api.mode = accessor(
    api,
    'pointer.mode',
    () => mode,
    (v) => {
      mode = v;
    },
    (v) => v === 'xy' || v === 'x',
  );
  api.tip = accessor(
    api,
    'pointer.tip',
    () => tip,
    (v) => {
      tip = v;
    },
    (v) => typeof v === 'function',
  );
  api.focus = (datum, clientX, clientY) => {
    if (pinned) return;
    setFocus(datum, clientX, clientY);
  };
  api.blur = () => {
    if (!pinned) setFocus(null, 0, 0);
  };
  api.togglePin = (datum, clientX, clientY) => {
    if (pinned) {
      api.release();
      return;
    }
    pinned = true;
    setFocus(datum, clientX, clientY, true);
  };
  api.release = () => {
    pinned = false;
    setFocus(null, 0, 0, true);
  };
  api.current = () => focused;
  return api;
}
