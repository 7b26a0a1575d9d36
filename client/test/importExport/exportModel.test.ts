import { describe, expect, it } from 'vitest';
import { downloadName, EXPORT_FORMATS, exportProblem, exportUrl } from '../../src/importExport/exportModel.js';

describe('export URLs', () => {
  it.each([
    [{ format: 'qdpx' }, 'format=qdpx'],
    // Filters only where the format uses them: the server refuses an unknown filter value even if unused.
    [{ format: 'qdpx', code: 'c1', coder: 'u1' }, 'format=qdpx'],
    [{ format: 'csv' }, 'format=csv'],
    [{ format: 'csv', code: 'c1', coder: 'u1', transcript: 't1' }, 'format=csv&code=c1&coder=u1&transcript=t1'],
    [{ format: 'xlsx', coder: 'u 1' }, 'format=xlsx&coder=u+1'],
    [{ format: 'codebook-html', code: 'c1' }, 'format=codebook-html'],
    [{ format: 'matrix', code: 'c1' }, 'format=matrix&code=c1&unit=turn'],
    [
      { format: 'matrix', code: 'c1', unit: 'character', recal: true, coder: 'u1' },
      'format=matrix&code=c1&unit=character&recal=true',
    ],
  ] as const)('%j → ?%s', (options, query) => {
    expect(exportUrl('proj', options)).toBe(`/api/projects/proj/export?${query}`);
  });

  it('offers every format the server renders, each once', () => {
    expect(EXPORT_FORMATS.map((f) => f.format).sort()).toEqual(
      ['codebook-csv', 'codebook-html', 'codebook-md', 'csv', 'matrix', 'qdc', 'qdpx', 'xlsx'].sort(),
    );
  });

  it('asks for a code before a matrix', () => {
    expect(exportProblem({ format: 'matrix' })).toMatch(/code/);
    expect(exportProblem({ format: 'matrix', code: 'c' })).toBeNull();
    expect(exportProblem({ format: 'csv' })).toBeNull();
  });

  it.each([
    ['attachment; filename="Study_1.csv"', 'Study_1.csv'],
    ["attachment; filename*=UTF-8''Caf%C3%A9.qdpx", 'Café.qdpx'],
    ['attachment', 'fallback.csv'],
    [null, 'fallback.csv'],
  ])('%j is saved as %j', (header, name) => {
    expect(downloadName(header, 'fallback.csv')).toBe(name);
  });
});
