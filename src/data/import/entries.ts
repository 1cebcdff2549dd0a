/** One file to import, wherever it lives (a folder, a zip archive, a manifest's row). */
export interface ImportEntry {
  /** `/`-separated path relative to the imported root (used for folder labels and splits). */
  relativePath: string;
  /** What the report and the store call the file: a path, or `archive.zip!entry`. */
  sourcePath: string;
  read(): Promise<Buffer>;
  /** Set by a manifest; otherwise derived from the folders. */
  label?: string | null;
  patientId?: string | null;
  split?: string | null;
}

/** A file that was refused before decoding, with the reason. */
export interface Rejected {
  file: string;
  reason: string;
}

/** Files that clearly are not images: skipped quietly when walking a folder or archive. */
export function isSidecar(relativePath: string): boolean {
  const name = relativePath.split('/').pop() ?? '';
  return name.startsWith('.') || /\.(csv|json|txt|md|html?|xml|pdf|py|ipynb|yaml|yml|ini|log)$/i.test(name) || relativePath.split('/').some((s) => s === '__MACOSX');
}
