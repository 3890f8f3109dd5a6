/** Times in explanations: China Standard Time (UTC+8), minute precision. Pure (no clock read). */
const CST_OFFSET_S = 8 * 3600;

export function formatTime(tS: number): string {
  if (!Number.isFinite(tS)) return String(tS);
  const d = new Date(Math.round((tS + CST_OFFSET_S) / 60) * 60_000);
  return `${d.toISOString().slice(0, 16).replace('T', ' ')} UTC+8`;
}

/** A duration in words: "45 s", "20 min", "3 h", "2.5 d". */
export function formatDuration(s: number): string {
  if (s < 60) return `${Math.round(s)} s`;
  if (s < 3600) return `${Math.round(s / 60)} min`;
  if (s < 86400 * 2) return `${Number((s / 3600).toFixed(1))} h`;
  return `${Number((s / 86400).toFixed(1))} d`;
}
