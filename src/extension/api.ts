import type * as vscode from 'vscode';
import type { InvertscopeSettings } from './config/settings';
import type { TreeNode } from './tree/treeNode';

/** What activate() returns: read-only access for tests and other extensions. */
export interface InvertscopeApi {
  readonly runsTree: vscode.TreeDataProvider<TreeNode>;
  runsFolder(): string;
  settings(): InvertscopeSettings;
  /** Command ids registered by this activation. */
  registeredCommands(): readonly string[];
  /** Milliseconds from activate()'s start to the Runs view's first listing; null until it is listed. */
  runsViewPopulatedMs(): number | null;
}
