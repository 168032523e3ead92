import * as vscode from 'vscode';
import { CHART_IDS, CHART_TITLES, EXPORT_FORMATS, type ChartId } from '../../shared/charts';
import type { Services } from '../services';
import type { Command } from './command';
import { COMMAND_IDS } from '../common/commandIds';

/** Saves a chart of the active inspector as SVG, PNG or CSV. */
export class ExportFigureCommand implements Command {
  readonly id = COMMAND_IDS.exportFigure;
  readonly title = 'Export Figure';

  constructor(private readonly services: Services) {}

  async execute(): Promise<string | undefined> {
    const panel = this.services.inspectors.activePanel();
    if (!panel) throw new Error('open an inspector first: the figure comes from the inspector you looked at last');
    const chart = await vscode.window.showQuickPick(
      [
        { label: 'The chart in view', chart: null as ChartId | null },
        ...CHART_IDS.map((id) => ({ label: CHART_TITLES[id], description: id, chart: id })),
      ],
      { placeHolder: 'Figure to export' },
    );
    if (!chart) return undefined;
    const format = await vscode.window.showQuickPick(
      EXPORT_FORMATS.map((f) => ({
        label: f.toUpperCase(),
        description: f === 'csv' ? 'the numbers behind the chart' : f === 'svg' ? 'vector' : 'image',
        format: f,
      })),
      { placeHolder: 'Format' },
    );
    if (!format) return undefined;
    const message = await panel.requestExport(chart.chart, format.format);
    const saved = await panel.saveExport(message);
    if (saved) void vscode.window.showInformationMessage(`Exported ${CHART_TITLES[message.chart]} to ${saved}`);
    return saved;
  }
}
