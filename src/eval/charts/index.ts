export * from './svg.js';
export * from './roc-chart.js';
export * from './pr-chart.js';
export * from './confusion-chart.js';
export * from './reliability-chart.js';
export * from './line-chart.js';
export * from './training-curves.js';
export * from './report-charts.js';
