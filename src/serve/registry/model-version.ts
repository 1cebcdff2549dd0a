/** One registered model: an immutable Osteon ONNX file and what the registry learned of it at registration. */
export interface ModelVersion {
  /** 1, 2, 3 ... never reused, even after rollbacks. */
  version: number;
  runId: string | null;
  arch: string | null;
  classes: string[];
  threshold: number;
  /** The model's square input side, from its metadata. */
  inputSize: number;
  /** SHA-256 of model.onnx, recorded at registration. */
  sha256: string;
  bytes: number;
  /** ISO time of registration. */
  createdAt: string;
  note: string | null;
  /** Absolute path of model.onnx. */
  file: string;
}

/** What version.json holds: the record without its path, so a workspace can move. */
export type VersionRecord = Omit<ModelVersion, 'file'>;

/** A change of the deployed version, as deployed.json keeps it. */
export interface DeploymentEvent {
  version: number;
  at: string;
  action: 'promote' | 'rollback';
}
