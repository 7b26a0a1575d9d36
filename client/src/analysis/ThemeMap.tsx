import type { Code, Theme } from '@accord/shared';
import { useRef, useState } from 'react';
import { translate, useT } from '../i18n/index.js';
import { THEME_STATUS } from '../i18n/labels.js';
import { truncate } from './charts.js';
import { layoutThemeMap, STATUS_COLOUR, THEME_WIDTH, THEME_X } from './themeMapLayout.js';

/** Exports an SVG element as a PNG (drawn on a canvas at twice the size, for print). */
export async function svgToPng(svg: SVGSVGElement, scale = 2): Promise<Blob> {
  const width = Number(svg.getAttribute('width'));
  const height = Number(svg.getAttribute('height'));
  const source = new XMLSerializer().serializeToString(svg);
  const url = URL.createObjectURL(new Blob([source], { type: 'image/svg+xml;charset=utf-8' }));
  try {
    const image = new Image();
    await new Promise<void>((resolve, reject) => {
      image.onload = () => resolve();
      image.onerror = () => reject(new Error(translate('map.drawFailed')));
      image.src = url;
    });
    const canvas = document.createElement('canvas');
    canvas.width = width * scale;
    canvas.height = height * scale;
    const context = canvas.getContext('2d')!;
    context.fillStyle = '#ffffff';
    context.fillRect(0, 0, canvas.width, canvas.height);
    context.scale(scale, scale);
    context.drawImage(image, 0, 0);
    return await new Promise<Blob>((resolve, reject) =>
      canvas.toBlob((blob) => (blob ? resolve(blob) : reject(new Error(translate('map.pngFailed')))), 'image/png'),
    );
  } finally {
    URL.revokeObjectURL(url);
  }
}

/**
 * Codes and themes as a graph. Everything is styled with attributes, not CSS classes, so that the exported image
 * looks like the page.
 */
export function ThemeMap({ themes, codes }: { themes: readonly Theme[]; codes: readonly Code[] }) {
  const svg = useRef<SVGSVGElement>(null);
  const [error, setError] = useState<string | null>(null);
  const t = useT();
  const layout = layoutThemeMap(themes, codes, t);
  const exportPng = async () => {
    if (!svg.current) return;
    try {
      const blob = await svgToPng(svg.current);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(blob);
      link.download = t('map.fileName');
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch (caught) {
      setError(caught instanceof Error ? caught.message : String(caught));
    }
  };
  if (themes.length === 0) return null;
  return (
    <section className="theme-map" aria-label={t('map.label')}>
      <div className="row">
        <h2>{t('map.label')}</h2>
        <span className="spacer" />
        <button type="button" onClick={() => void exportPng()}>
          {t('map.exportPng')}
        </button>
      </div>
      {error && (
        <p className="error" role="alert">
          {error}
        </p>
      )}
      <div className="table-scroll">
        <svg
          ref={svg}
          xmlns="http://www.w3.org/2000/svg"
          width={layout.width}
          height={layout.height}
          role="img"
          aria-label={t('map.imageLabel')}
          data-testid="theme-map"
          fontFamily="system-ui, sans-serif"
        >
          <rect width={layout.width} height={layout.height} fill="#ffffff" />
          {layout.edges.map((edge) => {
            const x1 = edge.kind === 'code' ? THEME_X + THEME_WIDTH : edge.from.x + 6;
            const y1 = edge.from.y + (edge.kind === 'code' ? 0 : 10);
            const x2 = edge.to.x - (edge.kind === 'code' ? 0 : 4);
            const y2 = edge.to.y;
            const d =
              edge.kind === 'code'
                ? `M${x1},${y1} C${(x1 + x2) / 2},${y1} ${(x1 + x2) / 2},${y2} ${x2},${y2}`
                : `M${x1},${y1} L${x1},${y2} L${x2},${y2}`;
            return (
              <path
                key={`${edge.from.id}-${edge.to.id}`}
                d={d}
                fill="none"
                stroke={edge.kind === 'code' ? '#8aa8c8' : '#666666'}
                strokeWidth={edge.kind === 'code' ? 1.2 : 1}
                strokeDasharray={edge.kind === 'subtheme' ? '3 2' : undefined}
              />
            );
          })}
          {layout.nodes.map((node) =>
            node.kind === 'theme' ? (
              <g key={node.id} data-node="theme">
                <rect
                  x={node.x}
                  y={node.y - 12}
                  width={THEME_WIDTH - (node.x - THEME_X)}
                  height={24}
                  rx={5}
                  fill="#f5f8fb"
                  stroke={node.colour}
                  strokeWidth={2}
                />
                <text x={node.x + 8} y={node.y} dominantBaseline="middle" fontSize="12" fontWeight="600" fill="#111111">
                  {truncate(node.label, 24)}
                </text>
              </g>
            ) : (
              <g key={node.id} data-node="code">
                <circle cx={node.x + 6} cy={node.y} r={6} fill={node.colour} />
                <text x={node.x + 18} y={node.y} dominantBaseline="middle" fontSize="12" fill="#111111">
                  {truncate(node.label, 28)}
                </text>
              </g>
            ),
          )}
        </svg>
      </div>
      <p className="muted legend-line">
        {Object.entries(STATUS_COLOUR).map(([status, colour]) => (
          <span key={status} className="legend">
            <span className="swatch" style={{ background: colour }} />{' '}
            {THEME_STATUS[status] ? t(THEME_STATUS[status]!) : status}
          </span>
        ))}
      </p>
    </section>
  );
}
