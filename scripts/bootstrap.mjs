// @ts-check
// The entry of `npm start`, `npm test` and `npm run bench` on any machine, fresh clones included. It runs before
// the npm packages exist, so it is plain JavaScript on node: builtins only: it installs what is
// missing, builds, and hands over to the TypeScript tools.

import { spawn, spawnSync } from 'node:child_process'
import { existsSync, readdirSync, statSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

const root = join(dirname(fileURLToPath(import.meta.url)), '..')
const bin = (pkg, file) => join(root, 'node_modules', pkg, file)

function say(message) {
  console.log(`herald ▸ ${message}`)
}

/** Runs a step; on failure, names it and exits with its status. */
function run(label, command, args) {
  if (label) say(label)
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' })
  if (result.status !== 0) {
    console.error(`herald: ${label || [command, ...args].join(' ')} failed`)
    process.exit(result.status ?? 1)
  }
}

function requireNode() {
  const [major, minor] = process.versions.node.split('.').map(Number)
  if (major < 20 || (major === 20 && minor < 19)) {
    console.error(`herald: Node.js 20.19 or newer is required (this is ${process.version})`)
    process.exit(1)
  }
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

const node = process.execPath
const [command, ...args] = process.argv.slice(2)

requireNode()
installPackages()
run('building', node, [bin('typescript', 'bin/tsc'), '-b'])
buildClient()

/** Runs a long-lived tool in this process's place and passes it the signals meant to stop it. */
function handOver(script, args) {
  const child = spawn(node, [join(root, script), ...args], { cwd: root, stdio: 'inherit' })
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

if (command === 'start') {
  handOver('stack/dist/cli.js', ['start', ...args])
} else if (command === 'bench') {
  handOver('bench/dist/cli.js', args)
} else if (command === 'test') {
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
  run('unit tests', node, [
    bin('vitest', 'vitest.mjs'),
    'run',
    '--project',
    'unit',
    '--project',
    'client',
    ...args,
  ])
  run('integration tests (real Kafka, Redis, nginx)', node, [
    bin('vitest', 'vitest.mjs'),
    'run',
    '--project',
    'integration',
    ...args,
  ])
  run('browser tests (Chromium against a real stack)', node, [
    bin('vitest', 'vitest.mjs'),
    'run',
    '--project',
    'e2e',
    ...args,
  ])
  say('all tests passed')
} else {
  console.error('usage: node scripts/bootstrap.mjs start|test|bench [args]')
  process.exit(2)
}
