import type { RandomStream } from '../random.js';
import type { SampleView } from './view.js';

/** Mirrors top-bottom with probability p (off by default: radiographs are hung one way up). */
export function verticalFlip(view: SampleView, p: number, random: RandomStream): void {
  if (random.chance(p)) view.flipY = !view.flipY;
}
