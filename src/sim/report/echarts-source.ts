/**
 * The ECharts library as one script, read from the installed package so a
 * report inlines it and works offline (no CDN, no network at view time).
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { DomainError } from '../../domain/errors.js';

let cached: string | undefined;

export function echartsMinJs(): string {
  if (cached !== undefined) return cached;
  let path: string;
  try {
    path = createRequire(import.meta.url).resolve('echarts/dist/echarts.min.js');
  } catch (e) {
    throw new DomainError('unavailable', `the echarts package is not installed: ${(e as Error).message}`);
  }
  const js = readFileSync(path, 'utf8');
  // an inline script ends at the first "</script"; the library must not contain one
  if (/<\/script/i.test(js)) throw new DomainError('unavailable', `${path} contains "</script" and cannot be inlined`);
  cached = js;
  return js;
}
