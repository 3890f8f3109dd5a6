/**
 * Money is integer fen (1 CNY = 100 fen), never a float. Rates may be
 * fractional per unit (e.g. 4 fen per core-hour × 0.25 h), so amounts are
 * computed in floats and rounded once, half away from zero, at the edge.
 */
export type Fen = number;

export const FEN_PER_CNY = 100;

export function roundFen(amount: number): Fen {
  if (!Number.isFinite(amount)) throw new Error(`money amount is not finite: ${amount}`);
  return Math.sign(amount) * Math.round(Math.abs(amount));
}

export function cnyToFen(cny: number): Fen {
  return roundFen(cny * FEN_PER_CNY);
}

export function formatFen(fen: Fen): string {
  const sign = fen < 0 ? '-' : '';
  const abs = Math.abs(fen);
  return `${sign}¥${Math.floor(abs / 100).toLocaleString('en-US')}.${String(abs % 100).padStart(2, '0')}`;
}
