import type { ExportFormat } from '../../shared/charts';

/** A file name without folders or characters file systems refuse, keeping the extension. */
export function safeFileName(name: string, format: ExportFormat): string {
  const base =
    name
      // Control characters are what this removes: file systems refuse them in names.
      // eslint-disable-next-line no-control-regex
      .replace(/[\\/:*?"<>|\u0000-\u001f]/g, '-')
      .replace(/^\.+/, '')
      .trim() || `figure.${format}`;
  return base.toLowerCase().endsWith(`.${format}`) ? base : `${base}.${format}`;
}
