import type { JobProgress } from './types.js';

export type JobChildRequest = {
  type: 'start';
  module: string;
  jobId: string;
  workspace: string;
  attempt: number;
  payload: unknown;
  state: Record<string, unknown> | undefined;
};

export type JobChildMessage =
  | { type: 'progress'; progress: JobProgress }
  | { type: 'state'; state: Record<string, unknown> }
  | { type: 'done'; result: unknown }
  | { type: 'error'; error: { code: string; message: string } };
