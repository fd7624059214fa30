// The polling chart: detection lag and state transitions against job length, one line per way of
// waiting for the job, drawn with Vega-Lite and rendered to SVG by Vega in Node (no browser, no canvas).
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as vega from 'vega';
import { compile } from 'vega-lite';

/**
 * Writes the chart to `path` as SVG. `points`: { strategy, minutes, worstLag, transitions } per way
 * of waiting and job length; `order`: the strategies' labels in legend order (and drawing order).
 */
export async function writePollingChart(path, points, { order, title, subtitle = '' }) {
  const minutes = [...new Set(points.map((p) => p.minutes))].sort((a, b) => a - b);
  const x = { field: 'minutes', type: 'quantitative', scale: { type: 'log', domain: [minutes[0], minutes.at(-1)], nice: false }, axis: { title: 'job length (minutes, log scale)', values: minutes, grid: false } };
  // Colour and dash share one legend: the fixed loops dashed, the event-driven rows solid.
  const legend = { orient: 'bottom', columns: 3, labelLimit: 260, symbolType: 'stroke', symbolSize: 400 };
  const color = { field: 'strategy', type: 'nominal', title: null, sort: order, scale: { scheme: 'category10' }, legend };
  const strokeDash = { field: 'strategy', type: 'nominal', title: null, sort: order, legend, scale: { domain: order, range: order.map((label) => (label.startsWith('fixed') ? [5, 3] : [1, 0])) } };
  // Lines that coincide stay visible: the first is drawn widest, the next ones narrower on top of it.
  const strokeWidth = { field: 'width', type: 'quantitative', scale: null, legend: null };
  const panel = (field, title, y) => ({
    width: 360,
    height: 260,
    title: { text: title, fontSize: 13 },
    mark: { type: 'line', point: { filled: true, size: 40 } },
    encoding: {
      x,
      y: { field, type: 'quantitative', ...y },
      color,
      strokeDash,
      strokeWidth,
      tooltip: [{ field: 'strategy' }, { field: 'minutes' }, { field }],
    },
  });
  const spec = {
    $schema: 'https://vega.github.io/schema/vega-lite/v6.json',
    title: { text: title, subtitle, fontSize: 14, anchor: 'start' },
    background: 'white',
    padding: 12,
    data: { values: points.map((p) => ({ ...p, width: Math.max(2, 8 - 2.5 * order.indexOf(p.strategy)) })) },
    hconcat: [
      panel('worstLag', 'Detection lag, worst of 10 jobs (seconds)', { axis: { title: null } }),
      panel('transitions', 'State transitions per job, mean (log scale)', {
        scale: { type: 'log', domain: [5, 5000], nice: false },
        axis: { title: null, values: [5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] },
      }),
    ],
    config: { font: 'Helvetica, Arial, sans-serif', view: { stroke: '#ddd' }, axis: { labelFontSize: 11, titleFontSize: 11 }, legend: { labelFontSize: 12 } },
  };
  const view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'none' });
  const svg = await view.toSVG();
  view.finalize();
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, `${svg}\n`);
  return path;
}
