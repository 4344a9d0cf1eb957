// What a `--cpu-prof` profile says in a few lines: where a process spent its CPU time, by function
// (self time) and by the package that function lives in. The evidence behind "what limits each
// figure" in the report, readable without opening a flame graph.

import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'

interface ProfileNode {
  id: number
  callFrame: { functionName: string; url: string; lineNumber: number }
  children?: number[]
}

/** The parts of V8's `.cpuprofile` JSON this summary reads. */
export interface CpuProfile {
  nodes: ProfileNode[]
  samples: number[]
  timeDeltas: number[]
}

export interface TimeShare {
  name: string
  ms: number
  /** Share of the busy time: idle excluded, so shares answer "of the CPU it used, where did it go". */
  percent: number
}

export interface ProfileSummary {
  busyMs: number
  idleMs: number
  functions: TimeShare[]
  packages: TimeShare[]
}

const IDLE = '(idle)'

/** Where a function lives: a package under node_modules, Node's own code, herald's, or V8 itself. */
export function packageOf(url: string, functionName: string): string {
  if (url === '') return functionName.startsWith('(') ? functionName : '(native)'
  if (url.startsWith('node:')) return 'node core'
  const modules = url.lastIndexOf('/node_modules/')
  if (modules >= 0) {
    const [scope = '', name = ''] = url.slice(modules + '/node_modules/'.length).split('/')
    return scope.startsWith('@') ? `${scope}/${name}` : scope
  }
  const workspace = /\/(shared|producer|consumer|stack|bench)\/(dist|src)\//.exec(url)
  return workspace ? `herald ${workspace[1]}` : url
}

function functionLabel({ functionName, url, lineNumber }: ProfileNode['callFrame']): string {
  const name = functionName === '' ? '(anonymous)' : functionName
  if (url === '') return name
  const file = url.replace(/^file:\/\//, '').replace(/^.*\/node_modules\//, '')
  const short = file.split('/').slice(-2).join('/')
  return `${name} ${short}:${lineNumber + 1}`
}

export function summarizeProfile(profile: CpuProfile, top = 12): ProfileSummary {
  const nodes = new Map(profile.nodes.map((node) => [node.id, node]))
  const selfMs = new Map<number, number>()
  // timeDeltas[i] is the time before sample i; it is charged to the node sampled then.
  profile.samples.forEach((id, i) => {
    selfMs.set(id, (selfMs.get(id) ?? 0) + (profile.timeDeltas[i] ?? 0) / 1000)
  })
  const byFunction = new Map<string, number>()
  const byPackage = new Map<string, number>()
  let idleMs = 0
  for (const [id, ms] of selfMs) {
    const node = nodes.get(id)
    if (node === undefined) continue
    if (node.callFrame.functionName === IDLE) {
      idleMs += ms
      continue
    }
    const label = functionLabel(node.callFrame)
    byFunction.set(label, (byFunction.get(label) ?? 0) + ms)
    const owner = packageOf(node.callFrame.url, node.callFrame.functionName)
    byPackage.set(owner, (byPackage.get(owner) ?? 0) + ms)
  }
  const busyMs = [...byFunction.values()].reduce((sum, ms) => sum + ms, 0)
  const shares = (totals: Map<string, number>): TimeShare[] =>
    [...totals]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(([name, ms]) => ({ name, ms, percent: busyMs > 0 ? (ms / busyMs) * 100 : 0 }))
  return { busyMs, idleMs, functions: shares(byFunction), packages: shares(byPackage) }
}

function shareList(shares: readonly TimeShare[]): string {
  return shares
    .map((share) => `  ${share.percent.toFixed(1).padStart(5)} %  ${share.name}`)
    .join('\n')
}

/** A Markdown section per profile in `dir`, busiest process first. */
export function summarizeProfiles(dir: string): string {
  const summaries = readdirSync(dir)
    .filter((file) => file.endsWith('.cpuprofile'))
    .map((file) => ({
      file,
      summary: summarizeProfile(JSON.parse(readFileSync(join(dir, file), 'utf8')) as CpuProfile),
    }))
    .sort((a, b) => b.summary.busyMs - a.summary.busyMs)
  const sections = summaries.map(({ file, summary }) => {
    const busy = (summary.busyMs / 1000).toFixed(1)
    const total = ((summary.busyMs + summary.idleMs) / 1000).toFixed(1)
    return [
      `## ${file}`,
      '',
      `${busy} s on the CPU of ${total} s profiled. Self time, share of the busy time:`,
      '',
      '```',
      'by package',
      shareList(summary.packages),
      '',
      'by function',
      shareList(summary.functions),
      '```',
    ].join('\n')
  })
  return [
    '# CPU profiles',
    '',
    'Self time of each profiled process (`--cpu-prof`), from start to exit: the stack and the',
    'baselines live through every scenario of the run, so profile one scenario at a time',
    '(`--scenarios`) to read one figure.',
    '',
    ...sections,
    '',
  ].join('\n')
}
