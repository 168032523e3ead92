import { REPORT_DATA_ID, REPORT_KIND, type ReportData } from '../../core/reproduce/reportData';
import { decodeJson } from '../../shared/jsonNumbers';

/**
 * The report's data from its page. A missing or malformed element is an error
 * of the report writer, so it throws with what it found.
 */
export function readReportData(doc: Document): ReportData {
  const element = doc.getElementById(REPORT_DATA_ID);
  if (!element?.textContent) throw new Error(`report: the page has no #${REPORT_DATA_ID} element`);
  const data = decodeJson(element.textContent) as ReportData;
  if (data.kind !== REPORT_KIND)
    throw new Error(`report: #${REPORT_DATA_ID} is not an Invertscope report (kind ${JSON.stringify(data.kind)})`);
  return data;
}
