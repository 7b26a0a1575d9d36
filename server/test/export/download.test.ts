import { describe, expect, it } from 'vitest';
import { DOWNLOAD_TYPES, downloadName } from '../../src/export/download.js';
import { EXPORT_FORMATS, type ExportFormat } from '../../src/export/render.js';

describe('downloadName', () => {
  it.each<[string, ExportFormat, string]>([
    ['Study 2024', 'qdpx', 'Study_2024.qdpx'],
    ['a.b-c_d e', 'codebook-md', 'a.b-c_d_e.md'],
    ['Ünïcödé / "quoted" name', 'csv', '_n_c_d_quoted_name.csv'],
    ['ÄÖÜ', 'xlsx', '_.xlsx'],
    ['  spaced  out  ', 'qdc', '_spaced_out_.qdc'],
    ['semi;colon\\back"slash', 'matrix', 'semi_colon_back_slash.csv'],
    [`${'x'.repeat(79)} tail`, 'codebook-html', `${'x'.repeat(79)}_.html`],
    ['y'.repeat(200), 'codebook-csv', `${'y'.repeat(80)}.csv`],
    ['', 'qdpx', 'project.qdpx'],
  ])('%j as %s is %s', (name, format, fileName) => {
    expect(downloadName(name, format)).toBe(fileName);
  });
});

describe('DOWNLOAD_TYPES', () => {
  it('gives every format a media type and an extension', () => {
    expect(Object.keys(DOWNLOAD_TYPES).sort()).toEqual([...EXPORT_FORMATS].sort());
  });

  it.each<[ExportFormat, string, string]>([
    ['qdpx', 'application/zip', 'qdpx'],
    ['qdc', 'application/xml; charset=utf-8', 'qdc'],
    ['csv', 'text/csv; charset=utf-8', 'csv'],
    ['xlsx', 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet', 'xlsx'],
    ['codebook-csv', 'text/csv; charset=utf-8', 'csv'],
    ['codebook-md', 'text/markdown; charset=utf-8', 'md'],
    ['codebook-html', 'text/html; charset=utf-8', 'html'],
    ['matrix', 'text/csv; charset=utf-8', 'csv'],
  ])('%s is %s, .%s', (format, contentType, extension) => {
    expect(DOWNLOAD_TYPES[format]).toEqual({ contentType, extension });
  });
});
