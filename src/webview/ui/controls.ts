import {
  provideVSCodeDesignSystem,
  vsCodeButton,
  vsCodeCheckbox,
  vsCodeDropdown,
  vsCodeOption,
  vsCodeProgressRing,
  vsCodeRadio,
  vsCodeRadioGroup,
} from '@vscode/webview-ui-toolkit';

/**
 * Every form control of the inspector, and the only file that knows about
 * @vscode/webview-ui-toolkit (archived upstream): replacing the toolkit means
 * rewriting this file and nothing else. Each control is created with its label,
 * a `data-control` name for tests and styles, and a callback that fires only for
 * the person's changes, never for programmatic updates.
 */
let registered = false;
function ensureRegistered(): void {
  if (registered) return;
  registered = true;
  provideVSCodeDesignSystem().register(
    vsCodeButton(),
    vsCodeCheckbox(),
    vsCodeDropdown(),
    vsCodeOption(),
    vsCodeProgressRing(),
    vsCodeRadio(),
    vsCodeRadioGroup(),
  );
}

export interface Choice {
  readonly value: string;
  readonly label: string;
}

/**
 * The toolkit's elements fire 'change' for programmatic updates too, sometimes
 * later (after their slotted children settle). Only a value different from the
 * one the program last set, arriving after the element settled (one frame),
 * is the person's choice; everything else is an echo and is dropped. Without
 * this, an echo re-renders the control, which echoes again: a loop.
 */
function changeGuard(
  initial: string,
  onChange: (value: string) => void,
): { expect(value: string): void; changed(value: string): void } {
  let current = initial;
  let settling = false;
  let frame = 0;
  const settle = (): void => {
    settling = true;
    cancelAnimationFrame(frame);
    frame = requestAnimationFrame(() => {
      settling = false;
    });
  };
  settle();
  return {
    expect(value) {
      current = value;
      settle();
    },
    changed(value) {
      if (settling || value === current) return;
      current = value;
      onChange(value);
    },
  };
}

let nextId = 0;
function uniqueId(name: string): string {
  nextId++;
  return `control-${name}-${nextId}`;
}

function labelled(name: string, label: string, control: HTMLElement): HTMLElement {
  const wrapper = document.createElement('div');
  wrapper.className = 'control';
  wrapper.dataset.controlWrapper = name;
  const text = document.createElement('span');
  text.className = 'control-label';
  text.id = uniqueId(name);
  text.textContent = label;
  control.setAttribute('aria-labelledby', text.id);
  wrapper.append(text, control);
  return wrapper;
}

// ---------------------------------------------------------------- button

export interface ButtonOptions {
  readonly name: string;
  readonly label: string;
  readonly appearance?: 'primary' | 'secondary';
  /** Longer text for screen readers and the hover title. */
  readonly description?: string;
  readonly onClick: () => void;
}

export function button(options: ButtonOptions): HTMLElement {
  ensureRegistered();
  const element = document.createElement('vscode-button');
  element.dataset.control = options.name;
  element.setAttribute('appearance', options.appearance ?? 'secondary');
  element.textContent = options.label;
  if (options.description) {
    element.setAttribute('aria-label', options.description);
    element.title = options.description;
  }
  element.addEventListener('click', () => options.onClick());
  return element;
}

// ---------------------------------------------------------------- dropdown

export interface DropdownControl {
  readonly element: HTMLElement;
  value(): string;
  /** Replaces the options; keeps `value` selected (or the first option). */
  setChoices(choices: readonly Choice[], value: string): void;
  setDisabled(disabled: boolean): void;
}

interface ValueElement extends HTMLElement {
  value: string;
  disabled: boolean;
}

export function dropdown(options: {
  readonly name: string;
  readonly label: string;
  readonly choices: readonly Choice[];
  readonly value: string;
  readonly onChange: (value: string) => void;
}): DropdownControl {
  ensureRegistered();
  const select = document.createElement('vscode-dropdown') as ValueElement;
  select.dataset.control = options.name;
  select.setAttribute('position', 'below');
  const guard = changeGuard(options.value, options.onChange);
  select.addEventListener('change', () => guard.changed(select.value));
  let choicesKey = '';
  const control: DropdownControl = {
    element: labelled(options.name, options.label, select),
    value: () => select.value,
    setChoices(choices, value) {
      guard.expect(value);
      const key = JSON.stringify(choices);
      if (key !== choicesKey) {
        choicesKey = key;
        select.replaceChildren(
          ...choices.map((c) => {
            const option = document.createElement('vscode-option');
            option.setAttribute('value', c.value);
            if (c.value === value) option.setAttribute('selected', '');
            option.textContent = c.label;
            return option;
          }),
        );
      }
      if (choices.some((c) => c.value === value) && select.value !== value) select.value = value;
    },
    setDisabled(disabled) {
      select.disabled = disabled;
    },
  };
  control.setChoices(options.choices, options.value);
  return control;
}

// ---------------------------------------------------------------- checkbox

export interface CheckboxControl {
  readonly element: HTMLElement;
  setChecked(checked: boolean): void;
  setDisabled(disabled: boolean, reason?: string): void;
}

interface CheckedElement extends HTMLElement {
  checked: boolean;
  disabled: boolean;
}

export function checkbox(options: {
  readonly name: string;
  readonly label: string;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
}): CheckboxControl {
  ensureRegistered();
  const box = document.createElement('vscode-checkbox') as CheckedElement;
  box.dataset.control = options.name;
  box.textContent = options.label;
  box.checked = options.checked;
  const guard = changeGuard(String(options.checked), (v) => options.onChange(v === 'true'));
  box.addEventListener('change', () => guard.changed(String(box.checked)));
  return {
    element: box,
    setChecked(checked) {
      guard.expect(String(checked));
      if (box.checked !== checked) box.checked = checked;
    },
    setDisabled(disabled, reason) {
      box.disabled = disabled;
      box.title = disabled && reason ? reason : '';
    },
  };
}

// ---------------------------------------------------------------- radio group

export interface RadioControl {
  readonly element: HTMLElement;
  setChoices(choices: readonly Choice[], value: string): void;
}

export function radioGroup(options: {
  readonly name: string;
  readonly label: string;
  readonly choices: readonly Choice[];
  readonly value: string;
  readonly onChange: (value: string) => void;
}): RadioControl {
  ensureRegistered();
  const group = document.createElement('vscode-radio-group') as ValueElement;
  group.dataset.control = options.name;
  group.setAttribute('orientation', 'horizontal');
  const guard = changeGuard(options.value, options.onChange);
  group.addEventListener('change', () => guard.changed(group.value));
  let choicesKey = '';
  const control: RadioControl = {
    element: group,
    setChoices(choices, value) {
      guard.expect(value);
      const key = JSON.stringify(choices);
      if (key !== choicesKey) {
        choicesKey = key;
        const label = document.createElement('label');
        label.slot = 'label';
        label.className = 'control-label';
        label.textContent = options.label;
        group.replaceChildren(
          label,
          ...choices.map((c) => {
            const radio = document.createElement('vscode-radio');
            radio.setAttribute('value', c.value);
            radio.dataset.choice = c.value;
            if (c.value === value) radio.setAttribute('checked', '');
            radio.textContent = c.label;
            return radio;
          }),
        );
      }
      if (group.value !== value) group.value = value;
    },
  };
  control.setChoices(options.choices, options.value);
  return control;
}

// ---------------------------------------------------------------- slider

/**
 * The toolkit has no slider, so this is a native range input styled with the
 * theme's colours; it lives here so that every control still comes from one file.
 */
export interface SliderControl {
  readonly element: HTMLElement;
  readonly input: HTMLInputElement;
  setValue(value: number): void;
  setRange(min: number, max: number, step: number): void;
  setDisabled(disabled: boolean): void;
}

export function slider(options: {
  readonly name: string;
  readonly label: string;
  readonly min: number;
  readonly max: number;
  readonly step: number;
  readonly value: number;
  /** Text for the value readout and aria-valuetext. */
  readonly format: (value: number) => string;
  /** While dragging (cheap updates). */
  readonly onInput?: (value: number) => void;
  /** On release or keyboard step (commits). */
  readonly onChange: (value: number) => void;
}): SliderControl {
  const input = document.createElement('input');
  input.type = 'range';
  input.className = 'slider';
  input.dataset.control = options.name;
  const readout = document.createElement('output');
  readout.className = 'slider-value';
  const show = (): void => {
    const text = options.format(Number(input.value));
    readout.textContent = text;
    input.setAttribute('aria-valuetext', text);
  };
  input.addEventListener('input', () => {
    show();
    options.onInput?.(Number(input.value));
  });
  input.addEventListener('change', () => options.onChange(Number(input.value)));
  const element = labelled(options.name, options.label, input);
  element.classList.add('control-slider');
  element.append(readout);
  const control: SliderControl = {
    element,
    input,
    setValue(value) {
      input.value = String(value);
      show();
    },
    setRange(min, max, step) {
      input.min = String(min);
      input.max = String(max);
      input.step = String(step);
    },
    setDisabled(disabled) {
      input.disabled = disabled;
    },
  };
  control.setRange(options.min, options.max, options.step);
  control.setValue(options.value);
  return control;
}

// ---------------------------------------------------------------- progress

/** An indeterminate spinner (the determinate ring draws with an inline style the CSP forbids). */
export function progressRing(label: string): HTMLElement {
  ensureRegistered();
  const ring = document.createElement('vscode-progress-ring');
  ring.setAttribute('aria-label', label);
  return ring;
}

// ---------------------------------------------------------------- text field

export interface TextFieldControl {
  readonly element: HTMLElement;
  readonly input: HTMLInputElement;
  setValue(value: string): void;
  /** A problem with what was typed, shown under the field and to screen readers; '' clears it. */
  setProblem(text: string): void;
}

/**
 * A native search field styled with the theme's input colours (the toolkit's
 * text field would be the only toolkit element on the dashboard's hot path).
 */
export function textField(options: {
  readonly name: string;
  readonly label: string;
  readonly value: string;
  readonly placeholder?: string;
  /** On every keystroke. */
  readonly onInput: (value: string) => void;
}): TextFieldControl {
  const input = document.createElement('input');
  input.type = 'search';
  input.className = 'text-field';
  input.dataset.control = options.name;
  input.value = options.value;
  input.spellcheck = false;
  if (options.placeholder) input.placeholder = options.placeholder;
  input.addEventListener('input', () => options.onInput(input.value));
  const problem = document.createElement('span');
  problem.className = 'control-problem';
  problem.id = uniqueId(`${options.name}-problem`);
  problem.setAttribute('role', 'status');
  input.setAttribute('aria-describedby', problem.id);
  const element = labelled(options.name, options.label, input);
  element.classList.add('control-text');
  element.append(problem);
  return {
    element,
    input,
    setValue(value) {
      input.value = value;
    },
    setProblem(text) {
      problem.textContent = text;
      input.classList.toggle('has-problem', text !== '');
    },
  };
}

// ---------------------------------------------------------------- list checkbox

/**
 * A native checkbox for one row of a long list: a table of hundreds of runs
 * draws in milliseconds with these, where as many toolkit checkboxes would not.
 * `onChange` fires for the person's clicks only.
 */
export function listCheckbox(options: {
  readonly name: string;
  /** Read by screen readers, e.g. "Overlay run 20260121-1000-small-3f9a". */
  readonly label: string;
  readonly checked: boolean;
  readonly onChange: (checked: boolean) => void;
}): HTMLInputElement {
  const box = document.createElement('input');
  box.type = 'checkbox';
  box.className = 'list-checkbox';
  box.dataset.control = options.name;
  box.checked = options.checked;
  box.setAttribute('aria-label', options.label);
  box.addEventListener('change', () => options.onChange(box.checked));
  return box;
}
