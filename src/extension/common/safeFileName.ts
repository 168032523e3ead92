import type { ExportFormat } from '../../shared/charts';

/** A file name without folders or characters file systems refuse, keeping the extension. */
export function safeFileName(name: string, format: ExportFormat): string {
  const base = name.replace(/[\\/:*?"<>|\u0000-\u001f]/g, '-').replace(/^\.+/, '').trim() || `figure.${format}`;
  return base.toLowerCase().endsWith(`.${format}`) ? base : `${base}.${format}`;
}
