import type { EpochScore } from './epoch-scores.js';

/** What one training run of either side hands to the scoring: per-file probabilities of `fractured`. */
export interface SideRun {
  side: 'osteon' | 'plain';
  arch: string;
  seed: number;
  epochsDone: number;
  /** Zero-based epoch whose weights are scored (plain recipe: best validation AUROC; Osteon: its recipe's selection). */
  bestEpoch: number | null;
  /** That epoch's validation AUROC. */
  bestValAuroc: number | null;
  /** Seconds in the epoch loops (training and per-epoch validation), without data preparation. */
  trainSeconds: number;
  /** Seconds of each complete epoch (training and its validation), in order. */
  epochSeconds: number[];
  /** Seconds from start to trained model (Osteon: includes building the tensor cache on a first run). */
  wallSeconds: number;
  stoppedByBudget: boolean;
  /**
   * The arithmetic of training: Osteon's side resolves its recipe's choice on the machine, the plain recipe's is
   * fp32. Absent in results saved before it was recorded.
   */
  precision?: 'fp32' | 'bf16';
  /** Threshold chosen on val by Youden's J, applied unchanged to test. */
  threshold: number;
  /** Test files in the benchmark's file order (BenchData.files.test). */
  testProbabilities: number[];
  /** With --epoch-scores (Osteon's side): every epoch's val and test AUROC, a diagnostic of the best-epoch choice. */
  epochScores?: EpochScore[];
  /**
   * A saved plain run trained on another machine or with other threads than this run: said in the report, and its
   * training speed is not compared.
   */
  trainedOn?: string;
  /** Osteon's side, when its recipe averages each image with its mirror: the same model scored without that. */
  withoutFlip?: { threshold: number; testProbabilities: number[] };
}
