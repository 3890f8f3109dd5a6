export { type ChartOption, type ReportCharts, reportCharts } from './charts.js';
export { echartsMinJs } from './echarts-source.js';
export { type ReportOptions, renderNationalReport } from './html.js';
export { CHROMIUM_ARGS, type ScreenshotOptions, type ScreenshotResult, screenshotReport } from './screenshot.js';
