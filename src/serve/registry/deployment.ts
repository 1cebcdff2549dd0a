import fs from 'node:fs';
import { OsteonError } from '../../errors.js';
import { writeFileAtomic } from '../../util/atomic-write.js';
import type { DeploymentEvent } from './model-version.js';

/** deployed.json: the deployed version and every change that led to it, oldest first. */
export interface DeploymentPointer {
  current: number | null;
  history: DeploymentEvent[];
}

const EMPTY: DeploymentPointer = { current: null, history: [] };

/** Reads the pointer; no file means nothing was ever deployed. Written atomically, so never seen half-written. */
export function readPointer(file: string): DeploymentPointer {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return EMPTY;
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw invalidPointer(file, 'it is not JSON');
  }
  const history = (parsed as { history?: unknown }).history;
  if (!Array.isArray(history) || !history.every(isEvent)) throw invalidPointer(file, 'its "history" is not a list of {version, at, action}');
  return { current: deployedStack(history).at(-1) ?? null, history };
}

export function writePointer(file: string, history: DeploymentEvent[]): DeploymentPointer {
  const pointer = { current: deployedStack(history).at(-1) ?? null, history };
  writeFileAtomic(file, `${JSON.stringify(pointer, null, 2)}\n`);
  return pointer;
}

/**
 * The versions a rollback walks back through, the deployed one last: a promote pushes, a rollback pops.
 * So promoting 1, 2, 3 then rolling back twice deploys 2, then 1, rather than swinging between 3 and 2.
 */
export function deployedStack(history: DeploymentEvent[]): number[] {
  const stack: number[] = [];
  for (const event of history) {
    if (event.action === 'rollback') stack.pop();
    if (stack.at(-1) !== event.version) stack.push(event.version);
  }
  return stack;
}

function isEvent(value: unknown): value is DeploymentEvent {
  const e = value as DeploymentEvent;
  return (
    typeof e === 'object' && e !== null && Number.isInteger(e.version) && e.version > 0 && typeof e.at === 'string' &&
    (e.action === 'promote' || e.action === 'rollback')
  );
}

function invalidPointer(file: string, why: string): OsteonError {
  return new OsteonError(
    'REGISTRY_POINTER_INVALID',
    `The deployment pointer ${file} cannot be read (${why}). Restore it from a backup, or delete it and run \`osteon versions promote V\`.`,
  );
}
