import { OsteonError } from '../../errors.js';

export type QueryLevel = 'study' | 'series' | 'instance';

/** Attribute filters sent with a QIDO-RS search: keyword (or tag) to matching value. */
export type Filters = Record<string, string>;

/** A search split by the level each attribute lives at, so a study/series/instance walk can use each. */
export interface LevelledQuery {
  study: Filters;
  series: Filters;
  instance: Filters;
}

/** The attributes a PACS indexes, by keyword: their tag and the level QIDO-RS matches them at. */
const ATTRIBUTES: Record<string, { tag: string; level: QueryLevel }> = {
  PatientName: { tag: '00100010', level: 'study' },
  PatientID: { tag: '00100020', level: 'study' },
  PatientBirthDate: { tag: '00100030', level: 'study' },
  PatientSex: { tag: '00100040', level: 'study' },
  StudyDate: { tag: '00080020', level: 'study' },
  StudyTime: { tag: '00080030', level: 'study' },
  AccessionNumber: { tag: '00080050', level: 'study' },
  ModalitiesInStudy: { tag: '00080061', level: 'study' },
  ReferringPhysicianName: { tag: '00080090', level: 'study' },
  StudyDescription: { tag: '00081030', level: 'study' },
  StudyInstanceUID: { tag: '0020000D', level: 'study' },
  StudyID: { tag: '00200010', level: 'study' },
  Modality: { tag: '00080060', level: 'series' },
  SeriesDate: { tag: '00080021', level: 'series' },
  SeriesDescription: { tag: '0008103E', level: 'series' },
  BodyPartExamined: { tag: '00180015', level: 'series' },
  ViewPosition: { tag: '00185101', level: 'series' },
  SeriesInstanceUID: { tag: '0020000E', level: 'series' },
  SeriesNumber: { tag: '00200011', level: 'series' },
  Laterality: { tag: '00200060', level: 'series' },
  PerformedProcedureStepStartDate: { tag: '00400244', level: 'series' },
  SOPClassUID: { tag: '00080016', level: 'instance' },
  SOPInstanceUID: { tag: '00080018', level: 'instance' },
  AcquisitionDate: { tag: '00080022', level: 'instance' },
  ContentDate: { tag: '00080023', level: 'instance' },
  InstanceNumber: { tag: '00200013', level: 'instance' },
  ImageLaterality: { tag: '00200062', level: 'instance' },
};

const BY_TAG = new Map(Object.entries(ATTRIBUTES).map(([keyword, a]) => [a.tag, keyword]));
const DATE_KEYWORDS = new Set(Object.keys(ATTRIBUTES).filter((k) => k.endsWith('Date')));
const DATE_PART = '(\\d{4}(?:-?\\d{2}){0,2})';

/**
 * A DICOM date or date range from what people type: `2024` (the whole year), `2024-03`, `2024-03-05`,
 * `20240305`, and ranges `2024-` (from 2024 on), `-2023`, `2023-2024`, `20230101-20231231`.
 */
export function normaliseDateMatch(value: string): string {
  const trimmed = value.trim();
  const range = new RegExp(`^${DATE_PART}?-${DATE_PART}?$`).exec(trimmed);
  if (range && (range[1] || range[2])) {
    return `${range[1] ? fullDate(range[1], 'start') : ''}-${range[2] ? fullDate(range[2], 'end') : ''}`;
  }
  if (new RegExp(`^${DATE_PART}$`).test(trimmed)) {
    const digits = trimmed.replace(/-/g, '');
    return digits.length === 8 ? digits : `${fullDate(trimmed, 'start')}-${fullDate(trimmed, 'end')}`;
  }
  throw new OsteonError('DICOMWEB_BAD_QUERY', `"${value}" is not a date or date range: write e.g. 2024, 2024-03-05, 2024- or 20230101-20231231.`);
}

function fullDate(partial: string, side: 'start' | 'end'): string {
  const digits = partial.replace(/-/g, '');
  if (digits.length === 8) return digits;
  if (digits.length === 6) {
    if (side === 'start') return `${digits}01`;
    const last = new Date(Date.UTC(Number(digits.slice(0, 4)), Number(digits.slice(4, 6)), 0)).getUTCDate();
    return `${digits}${String(last).padStart(2, '0')}`;
  }
  if (digits.length === 4) return side === 'start' ? `${digits}0101` : `${digits}1231`;
  throw new OsteonError('DICOMWEB_BAD_QUERY', `"${partial}" is not a date: write YYYY, YYYY-MM or YYYY-MM-DD.`);
}

/**
 * Parses `--query` (`Modality=CR&BodyPartExamined=HAND&StudyDate=2024-`): keys are DICOM keywords or tags
 * (8 hex digits), values QIDO-RS matches (`*` and `?` wildcards, UID lists, date ranges). Each attribute goes
 * to the level it lives at; tags Osteon does not know are matched at the instance level.
 */
export function parseQuery(query: string | undefined): LevelledQuery {
  const out: LevelledQuery = { study: {}, series: {}, instance: {} };
  if (!query) return out;
  for (const [rawKey, rawValue] of new URLSearchParams(query.replace(/^\?/, ''))) {
    const key = rawKey.trim();
    let keyword: string | undefined;
    if (/^[0-9A-Fa-f]{8}$/.test(key)) keyword = BY_TAG.get(key.toUpperCase()) ?? key.toUpperCase();
    else keyword = Object.keys(ATTRIBUTES).find((k) => k.toLowerCase() === key.toLowerCase());
    if (!keyword) {
      throw new OsteonError(
        'DICOMWEB_BAD_QUERY',
        `"${key}" in --query is not an attribute Osteon searches by: use a DICOM keyword (${Object.keys(ATTRIBUTES).slice(0, 8).join(', ')}, ...) or a tag as 8 hex digits.`,
      );
    }
    const level = ATTRIBUTES[keyword]?.level ?? 'instance';
    out[level][keyword] = DATE_KEYWORDS.has(keyword) ? normaliseDateMatch(rawValue) : rawValue.trim();
  }
  return out;
}
