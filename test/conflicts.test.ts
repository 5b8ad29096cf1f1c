import { describe, expect, it } from 'vitest';
import { findConflicts, normaliseUnit, type ClaimFacts } from '../src/domain/conflicts.ts';
import { csvField, toCsv } from '../src/domain/csv.ts';

const source = (id: string, outlet: string) => ({
  id,
  outlet,
  url: `https://${outlet.toLowerCase()}.example/${id}`,
  publishedOn: '2021-10-06',
});

function claim(
  claimId: string,
  fields: Partial<Omit<ClaimFacts, 'claimId'>> & { outlet?: string },
): ClaimFacts {
  return {
    claimId,
    quote: fields.quote ?? `quote ${claimId}`,
    figure: fields.figure ?? null,
    figureUnit: fields.figureUnit ?? '',
    claimedDate: fields.claimedDate ?? null,
    source: fields.source ?? source(`s-${claimId}`, fields.outlet ?? 'Outlet'),
  };
}

describe('conflicts between claims', () => {
  it('shows two figures for the same unit side by side, each with its sources', () => {
    const conflicts = findConflicts([
      claim('a', { figure: 3, figureUnit: 'people fired', outlet: 'Meduza' }),
      claim('b', { figure: 7, figureUnit: 'People  fired ', outlet: 'Reuters' }),
      claim('c', { figure: 7, figureUnit: 'people fired', outlet: 'Kommersant' }),
    ]);
    expect(conflicts).toHaveLength(1);
    expect(conflicts[0]?.field).toBe('figure');
    expect(conflicts[0]?.unit).toBe('people fired');
    expect(conflicts[0]?.values.map((v) => [v.value, v.claims.map((c) => c.claimId)])).toEqual([
      [3, ['a']],
      [7, ['b', 'c']],
    ]);
    expect(conflicts[0]?.values[0]?.claims[0]?.source.outlet).toBe('Meduza');
  });

  it('does not compare figures of different units, and agreement is no conflict', () => {
    expect(
      findConflicts([
        claim('a', { figure: 3, figureUnit: 'people fired' }),
        claim('b', { figure: 2, figureUnit: 'criminal cases' }),
        claim('c', { figure: 3, figureUnit: 'people fired' }),
        claim('d', {}),
      ]),
    ).toEqual([]);
  });

  it('reports differing dates, figures first', () => {
    const conflicts = findConflicts([
      claim('a', { claimedDate: '2021-10-06', figure: 1, figureUnit: 'x' }),
      claim('b', { claimedDate: '2021-10-05', figure: 2, figureUnit: 'x' }),
      claim('c', { claimedDate: '2021-10-06' }),
    ]);
    expect(conflicts.map((c) => c.field)).toEqual(['figure', 'date']);
    expect(conflicts[1]).toMatchObject({
      unit: null,
      values: [
        { value: '2021-10-05', claims: [{ claimId: 'b' }] },
        { value: '2021-10-06', claims: [{ claimId: 'a' }, { claimId: 'c' }] },
      ],
    });
  });

  it('normalises units by case and spaces only', () => {
    expect(normaliseUnit('  Officers   FIRED ')).toBe('officers fired');
    expect(normaliseUnit('officials fired')).not.toBe(normaliseUnit('officers fired'));
  });
});

describe('CSV', () => {
  it('quotes what needs quoting and doubles quotes', () => {
    expect(csvField('plain')).toBe('plain');
    expect(csvField('a, b')).toBe('"a, b"');
    expect(csvField('say "no"')).toBe('"say ""no"""');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
    expect(csvField('ИК-1 «Ярославль»')).toBe('ИК-1 «Ярославль»');
    expect(csvField(null)).toBe('');
    expect(csvField(7)).toBe('7');
  });

  it('keeps a spreadsheet from running a cell as a formula', () => {
    expect(csvField('=HYPERLINK("http://x")')).toBe('"\'=HYPERLINK(""http://x"")"');
    expect(csvField('+1')).toBe("'+1");
    expect(csvField('@SUM(A1)')).toBe("'@SUM(A1)");
  });

  it('writes a BOM, a header and CRLF lines', () => {
    expect(toCsv(['a', 'b'], [['1', null]])).toBe('\uFEFFa,b\r\n1,\r\n');
  });
});
