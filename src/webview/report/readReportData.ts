import { REPORT_DATA_ID, REPORT_KIND, type ReportData } from '../../core/reproduce/reportData';

/** encodeJson writes these for numbers plain JSON cannot hold; every string of the report that reads so is a number. */
const NUMBER_WORDS: Readonly<Record<string, number>> = { NaN: Number.NaN, Infinity: Infinity, '-Infinity': -Infinity, '-0': -0 };

/**
 * The report's data from its page. A missing or malformed element is an error
 * of the report writer, so it throws with what it found.
 */
export function readReportData(doc: Document): ReportData {
  const element = doc.getElementById(REPORT_DATA_ID);
  if (!element?.textContent) throw new Error(`report: the page has no #${REPORT_DATA_ID} element`);
  const data = JSON.parse(element.textContent, (_key, value: unknown) => (typeof value === 'string' && value in NUMBER_WORDS ? NUMBER_WORDS[value] : value)) as ReportData;
  if (data.kind !== REPORT_KIND) throw new Error(`report: #${REPORT_DATA_ID} is not an Invertscope report (kind ${JSON.stringify(data.kind)})`);
  return data;
}
