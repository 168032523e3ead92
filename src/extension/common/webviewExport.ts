import * as vscode from 'vscode';
import type { ExportFormat } from '../../shared/charts';
import { safeFileName } from './safeFileName';

/** What a webview serialized for saving (an ExportMessage of the inspector or the dashboard). */
export interface ExportedFile {
  readonly format: ExportFormat;
  /** SVG and CSV as text; PNG as base64. */
  readonly content: string;
  readonly encoding: 'utf8' | 'base64';
  readonly suggestedName: string;
}

/** Asks where to save a figure (proposing `defaultFolder`/its name) and writes it; undefined when the person cancels. */
export async function saveExportedFile(file: ExportedFile, defaultFolder: string): Promise<string | undefined> {
  const uri = await vscode.window.showSaveDialog({
    defaultUri: vscode.Uri.file(`${defaultFolder}/${safeFileName(file.suggestedName, file.format)}`),
    filters: { [file.format.toUpperCase()]: [file.format] },
    title: 'Export Figure',
  });
  if (!uri) return undefined;
  const bytes = file.encoding === 'base64' ? Buffer.from(file.content, 'base64') : Buffer.from(file.content, 'utf8');
  await vscode.workspace.fs.writeFile(uri, bytes);
  return uri.fsPath;
}
