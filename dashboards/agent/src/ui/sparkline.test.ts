import { describe, expect, it } from 'vitest';
import { sparklinePaths } from './sparkline';

describe('sparklinePaths', () => {
  it('draws quiet minutes as a flat line on the baseline', () => {
    const { line, max } = sparklinePaths([0, 0, 0], 10, 4, 0);
    expect(line).toBe('M0,4L5,4L10,4');
    expect(max).toBe(0);
  });

  it('scales the busiest minute to the top and closes the area along the baseline', () => {
    const { line, area, max } = sparklinePaths([0, 1, 2], 10, 4, 0);
    expect(line).toBe('M0,4L5,2L10,0');
    expect(area).toBe('M0,4L5,2L10,0L10,4L0,4Z');
    expect(max).toBe(2);
  });

  it('draws a single value or no values as a flat line', () => {
    expect(sparklinePaths([], 10, 4, 0).line).toBe('M0,4L10,4');
    expect(sparklinePaths([3], 10, 4, 0).line).toBe('M0,0L10,0');
  });
});
