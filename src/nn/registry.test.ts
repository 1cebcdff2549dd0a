import { expect, it } from 'vitest';
import { createModelGraph, listModels } from './registry.js';
import './zoo/index.js';

it('lists architectures by glob, timm-style', () => {
  expect(listModels('mobilenet*')).toEqual(['mobilenet_v2']);
  expect(listModels('resnet*')).toEqual(['resnet18', 'resnet50']);
  expect(listModels('nothing*')).toEqual([]);
});

it('rejects an unknown architecture or bad options, naming what is accepted', () => {
  expect(() => createModelGraph('vgg16')).toThrow(/Unknown architecture "vgg16"\. Known: densenet121, efficientnet_b0/);
  expect(() => createModelGraph('resnet18', { numClasses: 1 })).toThrow(/numClasses must be an integer >= 2/);
  expect(() => createModelGraph('resnet18', { inputChannels: 4 })).toThrow(/inputChannels must be 1 \(grey\) or 3/);
});
