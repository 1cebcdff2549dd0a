import { describe, expect, it } from 'vitest';
import { expectedCalibrationError, reliabilityCurve } from './calibration.js';
import { scoreSample } from './sample.js';

describe('calibration', () => {
  // positive = label 0. Ten equal-width bins:
  //   bin 0 [0, .1):   0.05 N                 mean .05,  freq 0   -> count * gap = 1 * .05  = .05
  //   bin 1 [.1, .2):  0.15 P, 0.12 N         mean .135, freq .5  -> 2 * .365 = .73
  //   bin 8 [.8, .9):  0.85 P                 mean .85,  freq 1   -> 1 * .15  = .15
  //   bin 9 [.9, 1]:   0.95 P, 0.9 N          mean .925, freq .5  -> 2 * .425 = .85
  //   ECE = (.05 + .73 + .15 + .85) / 6 = 1.78 / 6
  const probs = [0.05, 0.15, 0.12, 0.85, 0.95, 0.9];
  const labels = [1, 0, 1, 0, 0, 1];

  it('ECE matches the hand sum', () => {
    expect(expectedCalibrationError(scoreSample(probs, labels)).value).toBeCloseTo(1.78 / 6, 12);
  });

  it('reliability curve lists every bin with its mean and frequency, empty bins null', () => {
    const curve = reliabilityCurve(scoreSample(probs, labels));
    expect(curve).toHaveLength(10);
    expect(curve[1]).toMatchObject({ lower: 0.1, upper: 0.2, count: 2, observedFrequency: 0.5 });
    expect(curve[1]!.meanProbability).toBeCloseTo(0.135, 12);
    expect(curve[4]).toEqual({ lower: 0.4, upper: 0.5, count: 0, meanProbability: null, observedFrequency: null });
    expect(curve[9]).toMatchObject({ count: 2, observedFrequency: 0.5 });
    // probability 1 falls in the last bin
    expect(reliabilityCurve(scoreSample([1], [0]), 4)[3]!.count).toBe(1);
  });

  it('is 0 when predictions equal observed frequencies, and undefined on empty input', () => {
    // bin [.2, .3): four at 0.25, one positive -> freq .25
    expect(expectedCalibrationError(scoreSample([0.25, 0.25, 0.25, 0.25], [0, 1, 1, 1])).value).toBe(0);
    expect(expectedCalibrationError(scoreSample([], [])).value).toBeNull();
  });

  it('rejects a bad bin count', () => {
    expect(() => expectedCalibrationError(scoreSample([0.5], [0]), 0)).toThrow(/bins/);
    expect(() => reliabilityCurve(scoreSample([0.5], [0]), 2.5)).toThrow(/integer/);
  });
});
