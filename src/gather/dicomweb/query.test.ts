import { describe, expect, it } from 'vitest';
import { normaliseDateMatch, parseQuery } from './query.js';

describe('parseQuery', () => {
  it('sends each attribute to the level it lives at', () => {
    expect(parseQuery('Modality=CR&BodyPartExamined=HAND&StudyDate=2024-&PatientID=P*&00200013=1')).toEqual({
      study: { StudyDate: '20240101-', PatientID: 'P*' },
      series: { Modality: 'CR', BodyPartExamined: 'HAND' },
      instance: { InstanceNumber: '1' },
    });
  });

  it('accepts keywords in any case, known tags, and unknown tags at the instance level', () => {
    expect(parseQuery('modality=DX&00180015=FOOT&00091001=x')).toEqual({
      study: {},
      series: { Modality: 'DX', BodyPartExamined: 'FOOT' },
      instance: { '00091001': 'x' },
    });
    expect(parseQuery(undefined)).toEqual({ study: {}, series: {}, instance: {} });
  });

  it('names the attribute it does not know', () => {
    expect(() => parseQuery('Modalty=CR')).toThrowError(expect.objectContaining({ code: 'DICOMWEB_BAD_QUERY', message: expect.stringContaining('"Modalty"') }));
  });
});

describe('normaliseDateMatch', () => {
  it.each([
    ['2024-', '20240101-'],
    ['-2023', '-20231231'],
    ['2023-2024', '20230101-20241231'],
    ['2024', '20240101-20241231'],
    ['2024-02', '20240201-20240229'],
    ['2023-02', '20230201-20230228'],
    ['2024-03-05', '20240305'],
    ['20240305', '20240305'],
    ['20230101-20231231', '20230101-20231231'],
    ['2024-03-05-2024-04', '20240305-20240430'],
  ])('%s -> %s', (input, expected) => {
    expect(normaliseDateMatch(input)).toBe(expected);
  });

  it('refuses what is no date', () => {
    expect(() => normaliseDateMatch('last week')).toThrow(/not a date/);
  });
});
