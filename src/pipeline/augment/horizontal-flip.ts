import type { RandomStream } from '../random.js';
import type { SampleView } from './view.js';

/** Mirrors left-right with probability p; part of the single resample, so it costs nothing. */
export function horizontalFlip(view: SampleView, p: number, random: RandomStream): void {
  if (random.chance(p)) view.flipX = !view.flipX;
}
