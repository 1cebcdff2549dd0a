import { OsteonError } from '../../errors.js';

/** One element of the DICOM JSON model (PS3.18 F.2). */
export interface DicomJsonElement {
  vr: string;
  Value?: unknown[];
}

/** A data set in the DICOM JSON model: tags as 8 upper-case hex digits. */
export type DicomJsonDataset = Record<string, DicomJsonElement>;

const TAG = /^[0-9A-Fa-f]{8}$/;

/**
 * A QIDO-RS answer as data sets. Throws DICOMWEB_BAD_RESPONSE, saying what came instead, when the body is
 * not a JSON array of DICOM JSON objects (an HTML login page, a proxy's error, a truncated answer).
 */
export function parseDicomJsonList(body: Buffer, where: string): DicomJsonDataset[] {
  const text = body.toString('utf8');
  if (text.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw badAnswer(where, `not JSON (${(error as Error).message}); it starts with ${JSON.stringify(text.slice(0, 60))}`);
  }
  if (!Array.isArray(parsed)) throw badAnswer(where, `JSON but not a list of results (${describe(parsed)})`);
  parsed.forEach((item, i) => {
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw badAnswer(where, `result ${i} is ${describe(item)}, not a DICOM JSON object`);
    for (const [tag, element] of Object.entries(item as Record<string, unknown>)) {
      if (!TAG.test(tag)) throw badAnswer(where, `result ${i} has a key "${tag.slice(0, 40)}" that is not a DICOM tag`);
      if (typeof element !== 'object' || element === null || typeof (element as DicomJsonElement).vr !== 'string') {
        throw badAnswer(where, `result ${i}, tag ${tag}, is not a DICOM JSON element with a "vr"`);
      }
      const value = (element as DicomJsonElement).Value;
      if (value !== undefined && !Array.isArray(value)) throw badAnswer(where, `result ${i}, tag ${tag}, has a "Value" that is not a list`);
    }
  });
  return parsed as DicomJsonDataset[];
}

/** The first value of `tag` as text (PN values give their alphabetic form), or undefined. */
export function firstString(dataset: DicomJsonDataset, tag: string): string | undefined {
  const element = dataset[tag.toUpperCase()] ?? dataset[tag.toLowerCase()];
  const value = element?.Value?.[0];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'object') {
    const alphabetic = (value as { Alphabetic?: unknown }).Alphabetic;
    return typeof alphabetic === 'string' ? alphabetic : undefined;
  }
  return String(value);
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  return typeof value === 'object' ? 'an object' : `a ${typeof value}`;
}

function badAnswer(where: string, what: string): OsteonError {
  return new OsteonError(
    'DICOMWEB_BAD_RESPONSE',
    `The server's answer to the search ${where} is ${what}: check that --url points at the DICOMweb root (often ending in /dicom-web), not a web page.`,
  );
}
