// Gathering images: from a PACS over DICOMweb, and "more like this one" from the project's own images.
export { gatherFromDicomWeb, type GatherDicomWebOptions, type GatherFailure, type GatherProgress, type GatherReport } from './gather-dicomweb.js';
export { DicomWebClient, type DicomWebClientOptions, type InstanceRef, type Page } from './dicomweb/client.js';
export { resolveAuth, AUTH_ENV, type AuthFlags, type DicomWebAuth } from './dicomweb/auth.js';
export { DEFAULT_RETRY, type RetryPolicy } from './dicomweb/http.js';
export { parseQuery, normaliseDateMatch, type Filters, type LevelledQuery, type QueryLevel } from './dicomweb/query.js';
export { deidentifyDicom, pseudonymFor, BLANKED_TAGS, DEIDENTIFICATION_METHOD, type Deidentified } from './deidentify.js';
export { editDicom, readTextElements, type DicomEdits, type TextElement } from './dicom-edit.js';
export { gatheredSopInstanceUids, deidentificationSalt } from './gathered-instances.js';
export { findSimilar, embedProjectImages, type SimilarTo, type SimilarOptions, type SimilarImage, type SimilarResult, type EmbedReport, type EmbedProgress } from './similar/find-similar.js';
export { PerceptualEmbedder } from './similar/perceptual-embedder.js';
export { ModelEmbedder } from './similar/model-embedder.js';
export { flipHorizontal } from './similar/flip.js';
export type { ImageEmbedder } from './similar/embedder.js';
