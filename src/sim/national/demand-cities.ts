/**
 * Where national demand comes from: every city the topology marks as a
 * demand city, weighted by the size of its economy. Compute demand tracks
 * economic activity far better than population (Shenzhen and Chongqing have
 * similar GDP and very different populations), so the weight is GDP.
 *
 * Figures: 地区生产总值 (GDP) of 2023 in 亿元 (100 million CNY), from each city's
 * 2023 statistical communiqué (国民经济和社会发展统计公报), rounded to 亿元.
 * Hong Kong (HK$2.99 trillion) and Macao (MOP 379.5 billion) are converted at
 * 2023 average rates. They are used only as relative weights, so a few
 * percent of error moves a city's share of demand by as little.
 */
import { DomainError } from '../../domain/errors.js';

export const CITY_GDP_2023_100M_CNY: Readonly<Record<string, number>> = Object.freeze({
  shanghai: 47219,
  beijing: 43761,
  shenzhen: 34606,
  guangzhou: 30356,
  chongqing: 30146,
  hongkong: 26900,
  suzhou: 24653,
  chengdu: 22075,
  hangzhou: 20059,
  wuhan: 20012,
  nanjing: 17421,
  tianjin: 16737,
  ningbo: 16453,
  qingdao: 15760,
  wuxi: 15456,
  changsha: 14332,
  zhengzhou: 13618,
  foshan: 13276,
  fuzhou: 12928,
  jinan: 12757,
  hefei: 12674,
  xian: 12011,
  dongguan: 11438,
  dalian: 8753,
  shenyang: 8122,
  xiamen: 8066,
  kunming: 7865,
  shijiazhuang: 7534,
  nanchang: 7325,
  jiaxing: 7062,
  changchun: 7002,
  harbin: 5576,
  taiyuan: 5574,
  nanning: 5469,
  urumqi: 4168,
  langfang: 3554,
  macau: 3330,
  haikou: 2358,
  xining: 1801,
  lhasa: 848,
});

export interface DemandCity {
  id: string;
  side: 'east' | 'west';
  /** Share of all demand, 0..1 (the weights sum to 1). */
  weight: number;
}

/** The topology's demand cities with their GDP weights; a demand city without a figure is an error. */
export function demandCities(cities: readonly { id: string; side: 'east' | 'west'; demand: boolean }[]): DemandCity[] {
  const out: DemandCity[] = [];
  let total = 0;
  for (const c of cities) {
    if (!c.demand) continue;
    const gdp = CITY_GDP_2023_100M_CNY[c.id];
    if (gdp === undefined) {
      throw new DomainError(
        'validation',
        `cities: demand city '${c.id}' has no GDP weight in CITY_GDP_2023_100M_CNY`,
        'cities',
      );
    }
    out.push({ id: c.id, side: c.side, weight: gdp });
    total += gdp;
  }
  if (out.length === 0) throw new DomainError('validation', 'cities: the topology has no demand city', 'cities');
  for (const c of out) c.weight /= total;
  return out;
}
