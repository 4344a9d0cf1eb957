// A bar chart of every throughput, written by hand: one panel per unit (requests, records,
// notifications, deliveries per second), each with its own scale, bars labelled with their value.

import type { BenchRun, ScenarioResult } from '../result.js'
import { formatCount, formatMs } from './format.js'

const WIDTH = 960
const LABEL_WIDTH = 300
const VALUE_WIDTH = 150
const BAR_HEIGHT = 18
const BAR_GAP = 6
const PANEL_TITLE = 28
const PANEL_GAP = 18
const COLORS: Record<string, string> = {
  'herald ingest': '#2563eb',
  'plain design': '#9ca3af',
  ceiling: '#d1d5db',
  'end to end': '#059669',
  topics: '#d97706',
  'herald fan-out': '#7c3aed',
  'bare Socket.IO': '#c4b5fd',
}

export function svgChart(run: BenchRun): string {
  // A row that measured neither throughput nor latency (idle CPU) has no bar to draw.
  const charted = run.results.filter((result) => result.throughput > 0 || result.latency.count > 0)
  const units = [...new Set(charted.map((result) => result.unit))]
  const parts: string[] = []
  let y = 40
  for (const unit of units) {
    const rows = charted.filter((result) => result.unit === unit)
    parts.push(panel(unit, rows, y))
    y += PANEL_TITLE + rows.length * (BAR_HEIGHT + BAR_GAP) + PANEL_GAP
  }
  const title = `herald bench ${run.startedAt}: ${run.machine.cpuCount} × ${run.machine.cpuModel}`
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${y}" viewBox="0 0 ${WIDTH} ${y}" font-family="system-ui, sans-serif" font-size="12">`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    `<text x="12" y="22" font-size="15" font-weight="600">${escape(title)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n')
}

function panel(unit: string, rows: ScenarioResult[], top: number): string {
  const max = Math.max(
    ...rows.map((row) => (Number.isFinite(row.throughput) ? row.throughput : 0)),
    1,
  )
  const barSpace = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 24
  const lines = [`<text x="12" y="${top + 16}" font-weight="600">${escape(unit)}</text>`]
  rows.forEach((row, i) => {
    const y = top + PANEL_TITLE + i * (BAR_HEIGHT + BAR_GAP)
    const value = Number.isFinite(row.throughput) ? row.throughput : 0
    const width = Math.max(1, (value / max) * barSpace)
    const color = COLORS[row.group] ?? '#6b7280'
    lines.push(
      `<text x="${LABEL_WIDTH - 8}" y="${y + 13}" text-anchor="end">${escape(row.label)}</text>`,
      `<rect x="${LABEL_WIDTH}" y="${y}" width="${width.toFixed(1)}" height="${BAR_HEIGHT}" fill="${color}"><title>${escape(row.subject)}</title></rect>`,
      `<text x="${(LABEL_WIDTH + width + 6).toFixed(1)}" y="${y + 13}">${escape(formatCount(value))}` +
        `<tspan fill="#6b7280"> · p99 ${escape(formatMs(row.latency.p99))} ms</tspan></text>`,
    )
  })
  return lines.join('\n')
}

function escape(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
}
