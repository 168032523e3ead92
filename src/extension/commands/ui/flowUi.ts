import * as vscode from 'vscode';
import type { FlowStep, FlowUi, PickItem } from '../../training/trainFlow';

/** The Train Model flow's questions as VS Code quick picks and input boxes, with step numbers. */
export const vscodeFlowUi: FlowUi = {
  pick<T>(step: FlowStep, items: readonly PickItem<T>[], active: T | undefined): Promise<T | undefined> {
    return new Promise((resolve) => {
      const quickPick = vscode.window.createQuickPick<vscode.QuickPickItem & { value: T }>();
      quickPick.title = step.title;
      quickPick.step = step.step;
      quickPick.totalSteps = step.totalSteps;
      quickPick.placeholder = step.question;
      quickPick.ignoreFocusOut = true;
      quickPick.matchOnDescription = true;
      quickPick.items = items.map((item) => ({
        label: item.label,
        description: item.description,
        detail: item.detail,
        value: item.value,
      }));
      const activeItem = quickPick.items.find((item) => JSON.stringify(item.value) === JSON.stringify(active));
      if (activeItem) quickPick.activeItems = [activeItem];
      let settled = false;
      const finish = (value: T | undefined) => {
        if (settled) return;
        settled = true;
        resolve(value);
        quickPick.dispose();
      };
      quickPick.onDidAccept(() => finish(quickPick.selectedItems[0]?.value ?? quickPick.activeItems[0]?.value));
      quickPick.onDidHide(() => finish(undefined));
      quickPick.show();
    });
  },

  input(step: FlowStep, value: string, validate: (text: string) => string | undefined): Promise<string | undefined> {
    return new Promise((resolve) => {
      const box = vscode.window.createInputBox();
      box.title = step.title;
      box.step = step.step;
      box.totalSteps = step.totalSteps;
      box.prompt = step.question;
      box.value = value;
      box.ignoreFocusOut = true;
      let settled = false;
      const finish = (result: string | undefined) => {
        if (settled) return;
        settled = true;
        resolve(result);
        box.dispose();
      };
      box.onDidChangeValue((text) => {
        box.validationMessage = validate(text);
      });
      box.onDidAccept(() => {
        const problem = validate(box.value);
        if (problem) box.validationMessage = problem;
        else finish(box.value);
      });
      box.onDidHide(() => finish(undefined));
      box.show();
    });
  },

  async pickFolder(title: string, defaultFolder: string | undefined): Promise<string | undefined> {
    const picked = await vscode.window.showOpenDialog({
      title,
      canSelectFolders: true,
      canSelectFiles: false,
      canSelectMany: false,
      defaultUri: defaultFolder ? vscode.Uri.file(defaultFolder) : undefined,
      openLabel: 'Use Folder',
    });
    return picked?.[0]?.fsPath;
  },
};
