import { describe, expect, it } from 'vitest';
import { listModels, architectureInfo } from '../nn/registry.js';
import { applyOverrides, defaultRecipe, DEFAULT_RECIPE, validateRecipe } from './recipe.js';

describe('default recipes', () => {
  it('are the common recipe with the architecture\'s own adjustments, which a user override still beats', () => {
    expect(defaultRecipe('mobilenet_v2')).toEqual({ ...DEFAULT_RECIPE, arch: 'mobilenet_v2' });
    const squeezenet = defaultRecipe('squeezenet1_1');
    expect(squeezenet.lr).toBe(3e-4);
    expect({ ...squeezenet, lr: DEFAULT_RECIPE.lr }).toEqual({ ...DEFAULT_RECIPE, arch: 'squeezenet1_1' });
    expect(applyOverrides(squeezenet, { lr: '0.001' }).lr).toBe(0.001);
  });

  it('every architecture\'s adjustments name known fields and give a valid recipe', () => {
    for (const arch of listModels()) {
      for (const key of Object.keys(architectureInfo(arch).recipe ?? {})) expect(Object.keys(DEFAULT_RECIPE)).toContain(key);
      expect(() => validateRecipe(defaultRecipe(arch))).not.toThrow();
    }
  });

  it('hand out copies: changing one leaves the defaults alone', () => {
    const recipe = defaultRecipe('resnet18');
    recipe.augment.horizontalFlip = 0;
    expect(DEFAULT_RECIPE.augment).toEqual({});
    expect(defaultRecipe('resnet18').augment).toEqual({});
  });

  it('reject an unknown architecture by name', () => {
    expect(() => defaultRecipe('resnet19')).toThrow(/Unknown architecture "resnet19"/);
  });
});
