import { relative } from 'node:path';
import { timingSentence, type ReportData } from '../../core/reproduce/reportData';
import type { WrittenReport } from '../../core/reproduce/writeReport';
import type { CliContext } from '../context';
import { table } from '../format';
import { formatPercent } from '../../shared/formatNumber';

/** The findings table and findings on stdout, then where the report is (stderr), as `reproduce` and `report` end. */
export function printReport(ctx: CliContext, data: ReportData, written: WrittenReport): void {
  const out = (path: string) => relative(ctx.cwd, path) || path;
  const t = data.findingsTable;
  ctx.stdout.write(
    `\n${table(
      [...t.header],
      t.rows.map((r) => [...r]),
    )}\n\n`,
  );
  if (data.classifierTestAccuracy !== null) {
    ctx.stdout.write(
      `Samples are read by a digit classifier that reads ${formatPercent(data.classifierTestAccuracy)} of real test digits correctly; chance is 10%.\n\n`,
    );
  }
  for (const f of data.findings)
    ctx.stdout.write(`${f.verdict === 'defines' ? 'definition' : f.verdict.toUpperCase()}  ${f.claim} ${f.text}\n\n`);
  if (data.timing) ctx.stderr.write(`${timingSentence(data.timing)}\n`);
  ctx.stderr.write(
    `Report: ${out(written.indexFile)} (opens from disk in any browser); every figure's numbers in ${out(written.findingsFile)}\n`,
  );
  ctx.stderr.write(
    written.figures.kind === 'written'
      ? `Figures: ${written.figures.files.length} files in ${out(`${written.folder}/figures`)}\n`
      : `Figures not rendered: ${written.figures.reason}\n`,
  );
}
