import { describe, expect, it } from 'vitest';
import { type CsvValue, csvCell, isFormulaLike, toCsv } from '../src/csv.js';

describe('the one CSV writer', () => {
  const cells: [CsvValue, string, string][] = [
    // value, formula-safe cell, raw cell
    ['plain', 'plain', 'plain'],
    ['=1+1', "'=1+1", '=1+1'],
    ['=HYPERLINK("http://x","y")', '"\'=HYPERLINK(""http://x"",""y"")"', '"=HYPERLINK(""http://x"",""y"")"'],
    ['+cmd|" /C calc"!A0', '"\'+cmd|"" /C calc""!A0"', '"+cmd|"" /C calc""!A0"'],
    ['-2+3', "'-2+3", '-2+3'],
    ['- I felt alone', "'- I felt alone", '- I felt alone'],
    ['@SUM(A1)', "'@SUM(A1)", '@SUM(A1)'],
    ['\t=1', "'\t=1", '\t=1'],
    ['\r=1', '"\'\r=1"', '"\r=1"'],
    ['\uFF1D1+1', "'\uFF1D1+1", '\uFF1D1+1'],
    [' =1', ' =1', ' =1'],
    ['a=1', 'a=1', 'a=1'],
    // Text that is exactly a decimal number is read as that number: left alone.
    ['-0.25', '-0.25', '-0.25'],
    ['+3', '+3', '+3'],
    ['-1e-3', '-1e-3', '-1e-3'],
    // Numbers are numbers, whatever their sign.
    [-0.25, '-0.25', '-0.25'],
    [-7, '-7', '-7'],
    [0, '0', '0'],
    [null, '', ''],
    [undefined, '', ''],
    ['', '', ''],
    ['a,b', '"a,b"', '"a,b"'],
    ['say "hi"', '"say ""hi"""', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"', '"two\nlines"'],
  ];
  for (const [value, safe, raw] of cells) {
    it(`cell ${JSON.stringify(value)}`, () => {
      expect(csvCell(value)).toBe(safe);
      expect(csvCell(value, false)).toBe(raw);
    });
  }

  it('knows a formula from a number', () => {
    expect(isFormulaLike('=A1')).toBe(true);
    expect(isFormulaLike('-A1')).toBe(true);
    expect(isFormulaLike('-12.5')).toBe(false);
    expect(isFormulaLike('12')).toBe(false);
  });

  it('writes rows with the chosen line ending and BOM', () => {
    const rows: CsvValue[][] = [
      ['name', 'value'],
      ['=x', -1],
    ];
    expect(toCsv(rows)).toBe("name,value\n'=x,-1\n");
    expect(toCsv(rows, { lineEnding: '\r\n', bom: true })).toBe("\uFEFFname,value\r\n'=x,-1\r\n");
    expect(toCsv(rows, { formulaSafe: false })).toBe('name,value\n=x,-1\n');
  });
});
