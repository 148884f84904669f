import * as vscode from 'vscode';

/** Returned by a step when the user pressed Back. */
export const BACK = Symbol('back');

export interface TextStep {
  title: string;
  step: number;
  totalSteps: number;
  prompt: string;
  value?: string;
  placeholder?: string;
  password?: boolean;
  /** Returns an error message, or undefined when the value is fine. */
  validate: (value: string) => string | undefined;
}

/** One InputBox step with a Back button (after the first step) and validation as the user types. */
export function askText(options: TextStep): Promise<string | typeof BACK | undefined> {
  const box = vscode.window.createInputBox();
  Object.assign(box, {
    title: options.title,
    step: options.step,
    totalSteps: options.totalSteps,
    prompt: options.prompt,
    value: options.value ?? '',
    placeholder: options.placeholder,
    password: options.password ?? false,
    ignoreFocusOut: true,
    buttons: options.step > 1 ? [vscode.QuickInputButtons.Back] : [],
  });
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: string | typeof BACK | undefined) => {
      done = true;
      resolve(value);
      box.dispose();
    };
    box.onDidTriggerButton(() => finish(BACK));
    box.onDidChangeValue((v) => (box.validationMessage = v === '' ? undefined : options.validate(v)));
    box.onDidAccept(() => {
      const error = options.validate(box.value);
      if (error) {
        box.validationMessage = error;
      } else {
        finish(box.value);
      }
    });
    box.onDidHide(() => {
      if (!done) {
        finish(undefined);
      }
    });
    box.show();
  });
}

export interface PickStep<T> {
  title: string;
  step: number;
  totalSteps: number;
  placeholder: string;
  items: (vscode.QuickPickItem & { value: T })[];
  active?: T;
}

/** One QuickPick step with a Back button (after the first step). */
export function askPick<T>(options: PickStep<T>): Promise<T | typeof BACK | undefined> {
  const pick = vscode.window.createQuickPick<vscode.QuickPickItem & { value: T }>();
  Object.assign(pick, {
    title: options.title,
    step: options.step,
    totalSteps: options.totalSteps,
    placeholder: options.placeholder,
    items: options.items,
    ignoreFocusOut: true,
    buttons: options.step > 1 ? [vscode.QuickInputButtons.Back] : [],
  });
  const active = options.items.find((i) => i.value === options.active);
  if (active) {
    pick.activeItems = [active];
  }
  return new Promise((resolve) => {
    let done = false;
    const finish = (value: T | typeof BACK | undefined) => {
      done = true;
      resolve(value);
      pick.dispose();
    };
    pick.onDidTriggerButton(() => finish(BACK));
    pick.onDidAccept(() => finish(pick.selectedItems[0]?.value));
    pick.onDidHide(() => {
      if (!done) {
        finish(undefined);
      }
    });
    pick.show();
  });
}

/**
 * Runs steps in order; a step returning BACK goes to the previous one, undefined cancels the flow.
 * Each step decides itself whether it applies (returning true skips it, in both directions).
 */
export async function runSteps(steps: (() => Promise<'next' | 'skip' | typeof BACK | undefined>)[]): Promise<boolean> {
  let i = 0;
  let direction = 1;
  while (i < steps.length) {
    if (i < 0) {
      i = 0;
    }
    const result = await steps[i]();
    if (result === undefined) {
      return false;
    }
    if (result === BACK) {
      direction = -1;
    } else if (result === 'next') {
      direction = 1;
    }
    i += direction;
  }
  return true;
}
