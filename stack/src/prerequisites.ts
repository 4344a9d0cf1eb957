// The programs the native stack runs but does not bring: Java and Maven for Kafka, Redis, nginx,
// Prometheus for --monitoring (and its promtool for the rules' tests), and Chromium for the
// browser tests. Debian packages are installed when running as root;
// otherwise the error names what is missing and the command that installs it.

import { existsSync, rmSync, writeFileSync } from 'node:fs'

import { findOnPath, runCommand } from './commands.js'
import type { Reporter } from './reporter.js'

export interface Tool {
  command: string
  debianPackage: string
  neededFor: string
}

export const TOOLS = {
  java: {
    command: 'java',
    debianPackage: 'openjdk-17-jre-headless',
    neededFor: 'the Kafka broker',
  },
  maven: { command: 'mvn', debianPackage: 'maven', neededFor: "fetching Kafka's jars" },
  redis: {
    command: 'redis-server',
    debianPackage: 'redis-server',
    neededFor: 'the Socket.IO adapter',
  },
  nginx: { command: 'nginx', debianPackage: 'nginx', neededFor: 'the :9000 entry point' },
  // One package brings both; the stack runs the binary itself, never the package's service.
  prometheus: {
    command: 'prometheus',
    debianPackage: 'prometheus',
    neededFor: 'npm start -- --monitoring',
  },
  promtool: {
    command: 'promtool',
    debianPackage: 'prometheus',
    neededFor: 'checking the alert rules and the Prometheus configs',
  },
  chromium: { command: 'chromium', debianPackage: 'chromium', neededFor: 'the browser tests' },
  compose: {
    command: 'docker-compose',
    debianPackage: 'docker-compose',
    neededFor: 'checking docker-compose.yml without a Docker engine',
  },
} as const satisfies Record<string, Tool>

export type ToolName = keyof typeof TOOLS

export class MissingToolsError extends Error {
  override readonly name = 'MissingToolsError'

  constructor(readonly missing: readonly Tool[]) {
    const names = missing.map((tool) => `${tool.command} (for ${tool.neededFor})`).join(', ')
    const packages = [...new Set(missing.map((tool) => tool.debianPackage))].join(' ')
    super(`missing ${names}; install with: sudo apt-get install -y ${packages}`)
  }
}

/** Resolves with each tool's path, installing missing Debian packages when root. */
export async function ensureTools(
  names: readonly ToolName[],
  reporter: Reporter,
): Promise<Record<ToolName, string>> {
  const missing = names
    .map((name) => TOOLS[name])
    .filter((tool) => findOnPath(tool.command) === undefined)
  if (missing.length > 0) {
    if (process.getuid?.() !== 0 || findOnPath('apt-get') === undefined) {
      throw new MissingToolsError(missing)
    }
    await installDebianPackages([...new Set(missing.map((tool) => tool.debianPackage))], reporter)
  }
  const paths = {} as Record<ToolName, string>
  const stillMissing: Tool[] = []
  for (const name of names) {
    const path = findOnPath(TOOLS[name].command)
    if (path === undefined) stillMissing.push(TOOLS[name])
    else paths[name] = path
  }
  if (stillMissing.length > 0) throw new MissingToolsError(stillMissing)
  return paths
}

async function installDebianPackages(
  packages: readonly string[],
  reporter: Reporter,
): Promise<void> {
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' }
  await reporter.step(`Installing Debian packages ${packages.join(', ')}`, async (progress) => {
    progress('apt-get update')
    await runCommand('apt-get', ['update', '-q'], { env })
    progress('apt-get install')
    const restoreServices = withoutServiceStarts()
    try {
      await runCommand('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], {
        env,
        onLine: (line) => {
          const unpacking = /^(?:Unpacking|Setting up) (\S+)/.exec(line)
          if (unpacking?.[1])
            progress(`${unpacking[0].split(' ')[0]?.toLowerCase()} ${unpacking[1]}`)
        },
      })
    } finally {
      restoreServices()
    }
  })
}

const POLICY_RC = '/usr/sbin/policy-rc.d'

/**
 * Keeps the packages' own services (redis-server on 6379, nginx on 80, prometheus on 9090) from
 * starting as they install on a machine without systemd: the stack runs each binary itself, and a
 * service left on 9090 would take --monitoring's port. Debian's invoke-rc.d asks policy-rc.d,
 * and its answer 101 is "not now". Returns what puts the machine back as it was.
 */
function withoutServiceStarts(): () => void {
  if (existsSync(POLICY_RC)) return () => undefined
  writeFileSync(
    POLICY_RC,
    '#!/bin/sh\n# herald: no service starts while it installs packages\nexit 101\n',
    {
      mode: 0o755,
    },
  )
  return () => rmSync(POLICY_RC, { force: true })
}
