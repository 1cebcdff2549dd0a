import { describe, expect, it } from 'vitest';
import { scoreSample } from './sample.js';
import { chooseThreshold, describeThresholdRule, parseThresholdRule } from './threshold.js';

// positive = label 0; P = 3, N = 3. Going down the thresholds (predict positive when p >= t):
//   t = .9 P: tpr 1/3, fpr 0    J = 1/3
//   t = .8 N: tpr 1/3, fpr 1/3  J = 0
//   t = .7 P: tpr 2/3, fpr 1/3  J = 1/3
//   t = .6 P: tpr 1,   fpr 1/3  J = 2/3   <- Youden
//   t = .3 N: tpr 1,   fpr 2/3  J = 1/3
//   t = .2 N: tpr 1,   fpr 1    J = 0
const validation = scoreSample([0.9, 0.8, 0.7, 0.6, 0.3, 0.2], [0, 1, 0, 0, 1, 1]);

describe('chooseThreshold', () => {
  it("Youden's J picks the threshold with the largest sensitivity + specificity - 1", () => {
    const choice = chooseThreshold(validation, { kind: 'youden' });
    expect(choice.threshold).toBe(0.6);
    expect(choice.sensitivity).toBe(1);
    expect(choice.specificity).toBeCloseTo(2 / 3, 12);
  });

  it('Youden keeps the highest threshold among equal maxima', () => {
    // .9 P: J = .5; .8 N: 0; .7 P: 1 - .5 = .5; .1 N: 0 -> .9 and .7 tie, .9 is kept
    expect(chooseThreshold(scoreSample([0.9, 0.8, 0.7, 0.1], [0, 1, 0, 1]), { kind: 'youden' }).threshold).toBe(0.9);
  });

  it('target sensitivity gives the highest threshold reaching it', () => {
    expect(chooseThreshold(validation, { kind: 'sensitivity', target: 0.95 }).threshold).toBe(0.6);
    expect(chooseThreshold(validation, { kind: 'sensitivity', target: 0.6 }).threshold).toBe(0.7);
    expect(chooseThreshold(validation, { kind: 'sensitivity', target: 1 / 3 }).threshold).toBe(0.9);
    // 19 of 20 positives found meets 0.95 exactly
    const probs = Array.from({ length: 20 }, (_, i) => 1 - i / 40).concat([0.1]);
    const labels = probs.map((_, i) => (i < 20 ? 0 : 1));
    const choice = chooseThreshold(scoreSample(probs, labels), { kind: 'sensitivity', target: 0.95 });
    expect(choice.threshold).toBe(probs[18]);
    expect(choice.sensitivity).toBe(0.95);
  });

  it('a fixed threshold is kept and measured', () => {
    const choice = chooseThreshold(validation, { kind: 'fixed', value: 0.5 });
    expect(choice).toMatchObject({ threshold: 0.5, sensitivity: 1 });
    expect(choice.specificity).toBeCloseTo(2 / 3, 12);
  });

  it('refuses rules the validation data cannot support', () => {
    const onlyPositives = scoreSample([0.9, 0.2], [0, 0]);
    expect(() => chooseThreshold(onlyPositives, { kind: 'youden' })).toThrow(/both classes/);
    expect(() => chooseThreshold(scoreSample([0.9], [1]), { kind: 'sensitivity', target: 0.9 })).toThrow(/0 positive/);
    expect(chooseThreshold(onlyPositives, { kind: 'sensitivity', target: 0.5 }).threshold).toBe(0.9);
    expect(() => chooseThreshold(validation, { kind: 'sensitivity', target: 0 })).toThrow(/\(0, 1\]/);
    expect(() => chooseThreshold(validation, { kind: 'fixed', value: Number.NaN })).toThrow(/threshold/);
  });
});

describe('parseThresholdRule', () => {
  it('reads the command-line forms', () => {
    expect(parseThresholdRule('0.5')).toEqual({ kind: 'fixed', value: 0.5 });
    expect(parseThresholdRule('Youden')).toEqual({ kind: 'youden' });
    expect(parseThresholdRule('sensitivity:0.95')).toEqual({ kind: 'sensitivity', target: 0.95 });
    expect(parseThresholdRule('sens=0.9')).toEqual({ kind: 'sensitivity', target: 0.9 });
    expect(() => parseThresholdRule('best')).toThrow(/Cannot read threshold rule 'best'/);
    expect(() => parseThresholdRule('2')).toThrow(/\[0, 1\]/);
    expect(describeThresholdRule({ kind: 'sensitivity', target: 0.95 })).toBe('sensitivity >= 0.95');
  });
});
