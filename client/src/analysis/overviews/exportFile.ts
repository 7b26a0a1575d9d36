import { type CsvValue, toCsv } from '@accord/shared';
import { translate } from '../../i18n/core.js';
import { forExport } from './figures.js';
import { type SvgNode, svgDocument } from './svg.js';

/**
 * Exports of an overview, made in the browser from what the page shows: the figure as SVG, the same SVG drawn on a
 * canvas as PNG (twice the size, for print), and the numbers as CSV through the one formula-safe CSV writer
 * (shared/src/csv.ts: a code name such as `=SUM(…)` reaches a spreadsheet as text). Nothing is asked of the server.
 */
export type ExportFormat = 'svg' | 'png' | 'csv';

export function figureSvg(figure: SvgNode): string {
  return svgDocument(forExport(figure));
}

/** CSV with a byte order mark, so that Excel reads accents right; CRLF, as RFC 4180 says. */
export function tableCsv(rows: readonly (readonly CsvValue[])[]): string {
  return toCsv(rows, { lineEnding: '\r\n', bom: true });
}

/** Draws an SVG document onto a white canvas `scale` times its size and encodes it as PNG. */
export async function svgToPngBlob(svg: string, width: number, height: number, scale = 2): Promise<Blob> {
  const url = URL.createObjectURL(new Blob([svg], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const image = new Image();
    image.src = url;
    await image.decode();
    const canvas = document.createElement('canvas');
    canvas.width = Math.ceil(width * scale);
    canvas.height = Math.ceil(height * scale);
    const context = canvas.getContext('2d');
    if (context === null) throw new Error(translate('overview.drawFailed'));
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.scale(scale, scale);
    context.drawImage(image, 0, 0, width, height);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error(translate('overview.pngFailed')))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/** Hands a file to the browser's downloads. */
export function saveFile(blob: Blob, name: string): void {
  const link = document.createElement('a');
  link.href = URL.createObjectURL(blob);
  link.download = name;
  document.body.append(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
}

export interface Exportable {
  /** The file name without extension ("code-matrix"). */
  name: string;
  figure: () => SvgNode;
  table: () => CsvValue[][];
}

export async function exportAs(format: ExportFormat, what: Exportable): Promise<void> {
  if (format === 'csv') {
    saveFile(new Blob([tableCsv(what.table())], { type: 'text/csv;charset=utf-8' }), `${what.name}.csv`);
    return;
  }
  const figure = what.figure();
  const svg = figureSvg(figure);
  if (format === 'svg') {
    saveFile(new Blob([svg], { type: 'image/svg+xml;charset=utf-8' }), `${what.name}.svg`);
    return;
  }
  const png = await svgToPngBlob(svg, Number(figure.attrs.width), Number(figure.attrs.height));
  saveFile(png, `${what.name}.png`);
}
