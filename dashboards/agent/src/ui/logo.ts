import { svg } from './dom';

/** The ProfileGrid mark: a 2×2 grid with one live cell. */
export function logo(size = 28): SVGElement {
  const cell = (x: number, y: number, cls: string): SVGElement => svg('rect', { x, y, width: 11, height: 11, rx: 3, class: cls });
  return svg('svg', { class: 'logo', width: size, height: size, viewBox: '0 0 28 28', 'aria-hidden': 'true' },
    cell(2, 2, 'logo-cell'), cell(15, 2, 'logo-cell'), cell(2, 15, 'logo-cell'), cell(15, 15, 'logo-cell logo-cell--live'));
}
