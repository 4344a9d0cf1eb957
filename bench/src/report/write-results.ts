// Writes <out>/<date>.json, .md and .svg. JSON and Markdown go through the repository's Prettier
// settings first, so that results left in the tree never fail `prettier --check .`.

import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { format, resolveConfig } from 'prettier'

import type { BenchRun } from '../result.js'
import { markdownReport } from './markdown.js'
import { svgChart } from './svg.js'

export interface WrittenResults {
  files: string[]
  markdown: string
}

export async function writeResults(run: BenchRun, outDir: string): Promise<WrittenResults> {
  mkdirSync(outDir, { recursive: true })
  // A file name without colons: 2025-11-23T01-02-03Z.
  const stem = join(outDir, run.startedAt.replace(/\.\d+Z$/, 'Z').replaceAll(':', '-'))
  const settings = (await resolveConfig(`${stem}.md`)) ?? {}
  const markdown = await format(markdownReport(run), { ...settings, parser: 'markdown' })
  const json = await format(JSON.stringify(run), { ...settings, parser: 'json' })
  const files = [`${stem}.json`, `${stem}.md`, `${stem}.svg`]
  writeFileSync(files[0] as string, json)
  writeFileSync(files[1] as string, markdown)
  writeFileSync(files[2] as string, svgChart(run))
  return { files, markdown }
}
