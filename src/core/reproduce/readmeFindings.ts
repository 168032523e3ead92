import { readFile } from 'node:fs/promises';
import { InvertscopeError } from '../errors';
import { REPORT_KIND, timingSentence, type Finding, type ReportData } from './reportData';
import { markdownTable } from './summaryTable';
import { formatPercent } from '../../shared/formatNumber';
import { decodeJson } from '../../shared/jsonNumbers';

/**
 * The README's "What it finds" section, written from a report's findings.json,
 * so no figure in it is typed by hand: the findings table and each finding with
 * whether the measurements confirm, contradict or qualify the paper. The README
 * keeps it between FINDINGS_BEGIN and FINDINGS_END; scripts/readme-findings.mjs
 * puts it there.
 */
export const FINDINGS_BEGIN =
  '<!-- findings:begin (written by scripts/readme-findings.mjs from findings.json; do not edit by hand) -->';
export const FINDINGS_END = '<!-- findings:end -->';

const VERDICT: Record<Finding['verdict'], string> = {
  confirms: 'Confirms',
  contradicts: 'Contradicts',
  qualifies: 'Qualifies',
  defines: 'Definition',
};

/** A findings.json (encodeJson's NaN and ±Infinity as numbers again), checked to be one. */
export async function readFindings(file: string): Promise<ReportData> {
  const text = await readFile(file, 'utf8').catch((error: unknown) => {
    throw new InvertscopeError(
      'NOT_FOUND',
      `cannot read ${file}: ${(error as Error).message}; run invertscope reproduce first`,
      { file },
    );
  });
  const data = decodeJson(text) as ReportData;
  if (data.kind !== REPORT_KIND)
    throw new InvertscopeError(
      'BAD_INPUT',
      `${file} is not an Invertscope findings.json (kind ${JSON.stringify(data.kind)})`,
      { file, field: 'kind' },
    );
  return data;
}

export function findingsMarkdown(data: ReportData): string {
  const models = data.models.map((m) => `${m.label} (${m.epochs} epochs)`).join(', ');
  const data0 = data.models[0]?.trajectory.dataDescription;
  const timing = data.timing ? ` ${timingSentence(data.timing)}` : '';
  const classifier =
    data.classifierTestAccuracy === null
      ? ''
      : ` Samples are read by a digit classifier that reads ${formatPercent(data.classifierTestAccuracy)} of real test digits correctly; chance is 10%.`;
  const lines = [
    FINDINGS_BEGIN,
    `Measured by \`invertscope reproduce\`${data.schedule === 'paper' ? ' --paper' : ''} (Invertscope ${data.invertscopeVersion}, ${data.generatedAt.slice(0, 10)}): ${models}.` +
      `${data0 ? ` Figures are measured on ${data0}.` : ''}${timing} The first trained and the last checkpoint of each model:`,
    '',
    markdownTable(data.findingsTable),
    '',
    `${classifier.trim()} Broken: the share of test images whose reconstruction is off by a mean absolute error above 0.1, in each of the three round trips below. κ(J) "> x": a lower bound, past what float64 resolves.`.trim(),
    '',
    ...data.findings.map(
      (f) =>
        `- **${VERDICT[f.verdict]}**${f.verdict === 'defines' ? ` (${f.claim})` : ` the paper: *${f.claim}*`} ${f.text}`,
    ),
    '',
    'The report (`reproduction/report/index.html`) has every chart behind these figures; `findings.json` next to it has the numbers.',
    FINDINGS_END,
  ];
  return lines.join('\n');
}

/** `readme` with its findings section (between the markers) replaced by `section`; an error when the markers are missing. */
export function replaceFindings(readme: string, section: string): string {
  const begin = readme.indexOf(FINDINGS_BEGIN.slice(0, 22));
  const end = readme.indexOf(FINDINGS_END);
  if (begin < 0 || end < begin)
    throw new InvertscopeError(
      'BAD_INPUT',
      `the README has no findings section between "${FINDINGS_BEGIN.slice(0, 22)}…" and "${FINDINGS_END}"`,
      { field: 'README' },
    );
  return readme.slice(0, begin) + section + readme.slice(end + FINDINGS_END.length);
}
