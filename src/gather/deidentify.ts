import { createHmac } from 'node:crypto';
import { editDicom, readTextElements } from './dicom-edit.js';

const PATIENT_NAME = '00100010';
const PATIENT_ID = '00100020';
const ISSUER_OF_PATIENT_ID = '00100021';
const STUDY_INSTANCE_UID = '0020000D';

/**
 * Identifying attributes emptied on import, wherever they occur (in sequence items too): the patient's names and ids,
 * birth data, address, free-text comments and history, the accession, and the people and institution around the
 * study (from the Basic Application Level Confidentiality Profile, PS3.15 E.1). Dates, age, sex, body part and UIDs
 * stay: a fracture study needs them, and the UIDs keep a study's images together.
 */
export const BLANKED_TAGS: readonly string[] = [
  PATIENT_NAME, // at the top level written as the pseudonym instead
  PATIENT_ID, // likewise
  '00080050', // AccessionNumber
  '00080080', // InstitutionName
  '00080081', // InstitutionAddress
  '00080090', // ReferringPhysicianName
  '00080092', // ReferringPhysicianAddress
  '00080094', // ReferringPhysicianTelephoneNumbers
  '00081010', // StationName
  '00081040', // InstitutionalDepartmentName
  '00081048', // PhysiciansOfRecord
  '00081050', // PerformingPhysicianName
  '00081060', // NameOfPhysiciansReadingStudy
  '00081070', // OperatorsName
  ISSUER_OF_PATIENT_ID,
  '00100030', // PatientBirthDate
  '00100032', // PatientBirthTime
  '00101000', // OtherPatientIDs
  '00101001', // OtherPatientNames
  '00101005', // PatientBirthName
  '00101040', // PatientAddress
  '00101060', // PatientMotherBirthName
  '00102154', // PatientTelephoneNumbers
  '001021B0', // AdditionalPatientHistory
  '00104000', // PatientComments
  '00200010', // StudyID
  '00321032', // RequestingPhysician
  '00401001', // RequestedProcedureID
  '0040A123', // PersonName (in structured reports)
];

/** Sequences dropped whole: their items only say who the patient is. */
export const REMOVED_TAGS: readonly string[] = [
  '00081120', // ReferencedPatientSequence
  '00101002', // OtherPatientIDsSequence
];

export const DEIDENTIFICATION_METHOD = 'Osteon: salted-hash pseudonym; identifying attributes emptied at every depth';

/**
 * The pseudonym of a patient: HMAC-SHA256 keyed by the workspace's salt, 32 hex digits. The same patient
 * gets the same pseudonym in every import of the workspace (so splits by patient still hold), and without
 * the salt nobody can test a guessed patient id against it.
 */
export function pseudonymFor(salt: string, patientKey: string): string {
  return createHmac('sha256', salt).update(patientKey, 'utf8').digest('hex').slice(0, 32);
}

export interface Deidentified {
  bytes: Buffer;
  /** The pseudonym written as patient name and id; null when the file named no patient and no study. */
  pseudonym: string | null;
}

/**
 * De-identifies a DICOM file: patient name and id become the patient's pseudonym (from the patient id with
 * its issuer, else the name, else the study UID: one pseudonym per study), other identifying attributes are
 * emptied or dropped at every depth, and PatientIdentityRemoved/DeidentificationMethod say so. Pixels are
 * untouched: text burnt into them is not found.
 */
export function deidentifyDicom(bytes: Uint8Array, salt: string): Deidentified {
  const found = readTextElements(bytes, [PATIENT_NAME, PATIENT_ID, ISSUER_OF_PATIENT_ID, STUDY_INSTANCE_UID]);
  const id = found[PATIENT_ID];
  const name = found[PATIENT_NAME];
  const study = found[STUDY_INSTANCE_UID];
  const key = id ? `id:${found[ISSUER_OF_PATIENT_ID] ?? ''}\\${id}` : name ? `name:${name}` : study ? `study:${study}` : null;
  const pseudonym = key === null ? null : pseudonymFor(salt, key);
  const edited = editDicom(bytes, {
    set: [
      { tag: PATIENT_NAME, vr: 'PN', value: pseudonym ?? '' },
      { tag: PATIENT_ID, vr: 'LO', value: pseudonym ?? '' },
      { tag: '00120062', vr: 'CS', value: 'YES' },
      { tag: '00120063', vr: 'LO', value: DEIDENTIFICATION_METHOD },
    ],
    blank: [...BLANKED_TAGS],
    remove: [...REMOVED_TAGS],
  });
  return { bytes: edited, pseudonym };
}
