/** Shapes of the server's answers, as the pages read them. */
export interface Project {
  id: number;
  name: string;
  classes: string[];
  createdAt: string;
  images?: number;
}

export interface ImageSummary {
  id: number;
  originalName: string;
  folder: string;
  label: string | null;
  status: 'new' | 'ready' | 'excluded';
  split: 'train' | 'val' | 'test' | null;
  duplicateGroup: number | null;
  patientId: string | null;
  width: number;
  height: number;
}

export interface Stats {
  images: number;
  byLabel: Record<string, number>;
  byStatus: Record<string, number>;
  bySplit: Record<string, number>;
  duplicateGroups: number;
  imagesInDuplicateGroups: number;
  groupsCrossingSplits: Array<{ kind: string; group: number | string; imageIds: number[] }>;
}

export interface Run {
  id: string;
  arch: string;
  status: string;
  epochsDone: number;
  bestValAuroc: number | null;
  trainSeconds: number;
  createdAt: string;
  recipe: { epochs: number; size: number };
}

export interface Session {
  id: string;
  status: 'running' | 'completed' | 'failed' | 'cancelled';
  recipes: Array<{ arch: string; epochs: number }>;
  runs: Array<{ runId: string; arch: string; status: string }>;
  /** The queue's jobs that train the session's runs (`osteon jobs list` shows them too). */
  jobs: Array<{ id: string; status: 'queued' | 'running' | 'completed' | 'failed' | 'cancelled'; attempts: number; error: string | null }>;
  error: string | null;
}

export interface CompareRow {
  run: string;
  model: string;
  status: string;
  epochs: number;
  split: string | null;
  n: number | null;
  accuracy: number | null;
  precision: number | null;
  recall: number | null;
  auroc: number | null;
  aurocCi: [number, number] | null;
  sensitivity: number | null;
  specificity: number | null;
  threshold: number | null;
  trainSeconds: number;
  curvesHeld: boolean;
  /** The validation AUROC of the run's model (its threshold was chosen on validation). */
  valAuroc: number | null;
  /** That validation AUROC lies outside the test AUROC's interval. */
  selectionGap: boolean;
}

export interface ModelVersion {
  version: number;
  runId: string | null;
  arch: string | null;
  classes: string[];
  threshold: number;
  inputSize: number;
  createdAt: string;
}

export interface PredictResult {
  label: string;
  probabilities: Record<string, number>;
  threshold: number;
  modelVersion: number;
  testTimeFlip: boolean;
  positiveClass: string;
  heatmap: { png: string; peak: { x: number; y: number }; className: string } | null;
  image: { png: string; width: number; height: number; format: string };
  warnings: string[];
  timingsMs: Record<string, number>;
}
