import { describe, expect, it } from 'vitest';
import { DEFAULT_RECIPE, type TrainRecipe } from './recipe.js';
import { gridTrials, parseGrid, randomTrials, trialRecipes } from './sweep.js';

describe('hyperparameter sweeps', () => {
  const space = parseGrid('lr=1e-3,3e-4 weightDecay=1e-4,1e-2 flip=0,0.5');

  it('parses a grid, with short names for common fields', () => {
    expect(space).toEqual({ lr: ['1e-3', '3e-4'], weightDecay: ['1e-4', '1e-2'], 'augment.horizontalFlip': ['0', '0.5'] });
    expect(() => parseGrid('lr')).toThrow(/must look like key=v1,v2/);
    expect(() => parseGrid('  ')).toThrow(/grid is empty/);
  });

  it('enumerates every combination once', () => {
    const trials = gridTrials(space);
    expect(trials).toHaveLength(8);
    expect(new Set(trials.map((t) => JSON.stringify(t))).size).toBe(8);
    expect(trials[0]).toEqual({ lr: '1e-3', weightDecay: '1e-4', 'augment.horizontalFlip': '0' });
  });

  it('draws random trials reproducibly, without repeats while combinations remain', () => {
    const a = randomTrials(space, 5, 7);
    expect(randomTrials(space, 5, 7)).toEqual(a);
    expect(randomTrials(space, 5, 8)).not.toEqual(a);
    expect(new Set(a.map((t) => JSON.stringify(t))).size).toBe(5);
  });

  it('applies each trial to the base recipe and rejects unknown fields', () => {
    const base = { ...DEFAULT_RECIPE, arch: 'resnet18' } as TrainRecipe;
    const [first] = trialRecipes(base, gridTrials(space));
    expect(first).toMatchObject({ arch: 'resnet18', lr: 1e-3, weightDecay: 1e-4, augment: { horizontalFlip: 0 } });
    expect(() => trialRecipes(base, [{ learningRate: '1' }])).toThrow(/Unknown recipe field "learningRate"/);
  });
});
