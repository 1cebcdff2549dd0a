import { describe, expect, it } from 'vitest';
import { selectionGapWarning } from './selection-gap.js';

describe('selectionGapWarning', () => {
  it('is silent while the validation AUROC lies inside the test interval, ends included', () => {
    expect(selectionGapWarning(0.8, 0.78, [0.7, 0.86])).toBeNull();
    expect(selectionGapWarning(0.7, 0.78, [0.7, 0.86])).toBeNull();
    expect(selectionGapWarning(0.86, 0.78, [0.7, 0.86])).toBeNull();
  });

  it('says which side the validation AUROC fell on, with the figures', () => {
    const above = selectionGapWarning(0.94, 0.655, [0.41, 0.86]);
    expect(above).toContain('(0.940) lies above');
    expect(above).toContain('[0.41, 0.86] (test 0.655)');
    expect(selectionGapWarning(0.5, 0.8, [0.7, 0.9])).toContain('lies below');
  });

  it('has nothing to say without all three figures, and rejects a reversed interval', () => {
    expect(selectionGapWarning(null, 0.8, [0.7, 0.9])).toBeNull();
    expect(selectionGapWarning(0.9, null, [0.7, 0.9])).toBeNull();
    expect(selectionGapWarning(0.99, 0.8, null)).toBeNull();
    expect(() => selectionGapWarning(0.9, 0.8, [0.9, 0.7])).toThrow(RangeError);
  });
});
