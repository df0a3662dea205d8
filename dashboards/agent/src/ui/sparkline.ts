export interface SparklinePaths {
  /** The line through every point. */
  line: string;
  /** The same line closed along the baseline, for a soft fill. */
  area: string;
  /** The highest value, so the caller can label the scale. */
  max: number;
}

/**
 * SVG path data for per-minute counts, oldest first, scaled into `width` × `height` with `pad` kept free on every side.
 * All-zero (or missing) counts give a flat line on the baseline.
 */
export function sparklinePaths(values: readonly number[], width: number, height: number, pad = 1): SparklinePaths {
  const points = values.length > 1 ? values : [values[0] ?? 0, values[0] ?? 0];
  const max = Math.max(0, ...points.map((v) => (Number.isFinite(v) ? v : 0)));
  const step = (width - 2 * pad) / (points.length - 1);
  const baseline = height - pad;
  const coords = points.map((v, i) => {
    const y = max === 0 ? baseline : baseline - (Math.max(0, v) / max) * (height - 2 * pad);
    return `${round(pad + i * step)},${round(y)}`;
  });
  const line = `M${coords.join('L')}`;
  const area = `${line}L${round(width - pad)},${round(baseline)}L${round(pad)},${round(baseline)}Z`;
  return { line, area, max };
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}
