import { KEY_PART, SERIAL_PART, unevaluatedPart } from '../../../lib/audit/evaluate/call';

// Templates are shared by a path of numbers: a template made for one plan is handed to any other whose path is
// equal, so two different situations must never give equal paths.
describe('template key parts', () => {
  it('names each set of unevaluated organization layers apart, whatever order or length the list has', () => {
    const parts = [[], ['scp'], ['rcp'], ['scp', 'rcp'], ['rcp', 'scp']].map((layers) =>
      unevaluatedPart(layers as ('scp' | 'rcp')[]),
    );
    expect(parts).toEqual([0, 1, 2, 3, 3]);
  });

  it('keeps unevaluated layers, layer markers and answer serials in ranges that never meet', () => {
    const markers = Object.values(KEY_PART);
    expect(new Set(markers).size).toBe(markers.length);
    // Unevaluated parts 0-3 come first in a path; the markers follow them; answers start at SERIAL_PART.
    expect(Math.min(...markers)).toBeGreaterThan(3);
    expect(Math.max(...markers)).toBeLessThan(SERIAL_PART);
  });
});
