import { Tooltip } from '../interaction/tooltip';
import type { ExportMessage } from '../../contracts/inspectorProtocol';
import type { ExportFormat } from '../../shared/charts';
import { readReportData } from './readReportData';
import { ReportApp } from './reportApp';
import { reportChannel } from './reportChannel';

/** What the report writer's headless browser calls to take the figures as files. */
export interface ReportPageApi {
  exportAll(format: ExportFormat): Promise<ExportMessage[]>;
}

/**
 * Entry point of the report bundle (media/dist/report.js, inlined into the
 * report's index.html): reads the data the writer put into the page and draws it.
 */
function boot(): void {
  const root = document.getElementById('app');
  if (!root) throw new Error('report: the page has no #app element');
  Tooltip.forDocument(document);
  const app = new ReportApp(root, reportChannel(document), readReportData(document));
  app.start();
  (window as unknown as { invertscopeReport: ReportPageApi }).invertscopeReport = {
    exportAll: (format) => app.exportAll(format),
  };
  document.documentElement.dataset.ready = 'true';
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', boot, { once: true });
else boot();
