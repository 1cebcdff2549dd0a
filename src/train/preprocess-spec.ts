import type { PreprocessSpec } from '../imaging/types.js';
import type { TrainRecipe } from './recipe.js';

/**
 * The preprocessing a run trains with, stored in its exported model so serving repeats it exactly. Grey
 * radiographs are centred with dataset-agnostic statistics (0.5 / 0.25), close to what radiographs measure and
 * independent of ImageNet.
 */
export function preprocessSpecFor(recipe: Pick<TrainRecipe, 'size' | 'channels'>): PreprocessSpec {
  return {
    size: recipe.size,
    channels: recipe.channels,
    mean: new Array(recipe.channels).fill(0.5),
    std: new Array(recipe.channels).fill(0.25),
    resize: 'letterbox',
  };
}
