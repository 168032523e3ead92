import * as vscode from 'vscode';
import type { AnalysisService } from '../analysis/analysisService';
import type { LogSink, RunStorePort } from '../ports';
import type { TrajectoryService } from '../trajectory/trajectoryService';
import type { NodeView } from './treePresentation';

/** What nodes need from their surroundings. */
export interface TreeContext {
  store(): RunStorePort;
  readonly analysis: AnalysisService;
  readonly trajectories: TrajectoryService;
  readonly log: LogSink;
  /** Tells VS Code that this node (and what is below it) changed. */
  changed(node: TreeNode): void;
}

/** One kind of row in the Runs tree; each kind is its own class. */
export abstract class TreeNode {
  abstract readonly parent: TreeNode | undefined;
  abstract getTreeItem(): vscode.TreeItem;
  abstract getChildren(): Promise<TreeNode[]>;
}

export function treeItemFromView(view: NodeView, node: TreeNode): vscode.TreeItem {
  const collapse = {
    none: vscode.TreeItemCollapsibleState.None,
    collapsed: vscode.TreeItemCollapsibleState.Collapsed,
    expanded: vscode.TreeItemCollapsibleState.Expanded,
  }[view.collapse];
  const item = new vscode.TreeItem(view.label, collapse);
  item.id = view.id;
  item.description = view.description;
  const tooltip = new vscode.MarkdownString(view.tooltip, true);
  if (view.tooltipCommands.length > 0) tooltip.isTrusted = { enabledCommands: [...view.tooltipCommands] };
  item.tooltip = tooltip;
  item.contextValue = view.contextValue;
  item.iconPath = new vscode.ThemeIcon(
    view.icon.id,
    view.icon.color ? new vscode.ThemeColor(view.icon.color) : undefined,
  );
  if (view.clickCommand) item.command = { command: view.clickCommand, title: view.label, arguments: [node] };
  return item;
}

/** A row that only says something: a failure to read the runs folder. */
export class MessageNode extends TreeNode {
  readonly parent = undefined;

  constructor(
    private readonly text: string,
    private readonly detail: string,
  ) {
    super();
  }

  getTreeItem(): vscode.TreeItem {
    const item = new vscode.TreeItem(this.text, vscode.TreeItemCollapsibleState.None);
    item.tooltip = this.detail;
    item.iconPath = new vscode.ThemeIcon('warning', new vscode.ThemeColor('problemsWarningIcon.foreground'));
    item.contextValue = 'message';
    return item;
  }

  async getChildren(): Promise<TreeNode[]> {
    return [];
  }
}
