/** The domain of a project's data set: what the store keeps and what the web UI and HTTP API read. */

export type ReviewStatus = 'new' | 'ready' | 'excluded';
export const REVIEW_STATUSES: readonly ReviewStatus[] = ['new', 'ready', 'excluded'];

export type Split = 'train' | 'val' | 'test';
export const SPLITS: readonly Split[] = ['train', 'val', 'test'];

/** Default classes, in the default index order (0 = fractured, the positive class). */
export const DEFAULT_CLASSES: readonly string[] = ['fractured', 'normal'];

export interface Project {
  id: number;
  name: string;
  /** Class names in index order. */
  classes: string[];
  createdAt: string;
}

/** One stored radiograph of a project. */
export interface Radiograph {
  id: number;
  projectId: number;
  /** SHA-256 of the original bytes; also the blob's address. */
  sha256: string;
  /** Perceptual hash (src/data/phash.ts). */
  phash: string;
  width: number;
  height: number;
  format: string;
  bits: number;
  byteSize: number;
  /** Where the file was imported from (path, or `archive.zip!entry`). */
  sourcePath: string;
  originalName: string;
  /** Folder of the file relative to the imported root, `/`-separated ('' at the root). */
  folder: string;
  patientId: string | null;
  studyUid: string | null;
  bodyPart: string | null;
  view: string | null;
  /** Class name, or null when not labelled yet. */
  label: string | null;
  status: ReviewStatus;
  split: Split | null;
  /** The split the source said (train/val/test folder or manifest column); kept for `--from-folders`. */
  sourceSplit: Split | null;
  /** Near-duplicate group (the smallest image id of the group), null when the image has no near-duplicate. */
  duplicateGroup: number | null;
  warnings: string[];
  importedAt: string;
}

/** Selects images of a project; every given field must match (AND). */
export interface ImageFilter {
  /** A class name, or null for unlabelled images. */
  label?: string | null;
  status?: ReviewStatus;
  /** A split, or null for images in no split. */
  split?: Split | null;
  /** The folder itself or anything below it. */
  folder?: string;
  duplicateGroup?: number;
  ids?: number[];
}
