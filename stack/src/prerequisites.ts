// The programs the native stack runs but does not bring: Java and Maven for Kafka, Redis, nginx,
// and Chromium for the browser tests. Debian packages are installed when running as root;
// otherwise the error names what is missing and the command that installs it.

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
    const packages = missing.map((tool) => tool.debianPackage).join(' ')
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
    await installDebianPackages(
      missing.map((tool) => tool.debianPackage),
      reporter,
    )
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
    await runCommand('apt-get', ['install', '-y', '-q', '--no-install-recommends', ...packages], {
      env,
      onLine: (line) => {
        const unpacking = /^(?:Unpacking|Setting up) (\S+)/.exec(line)
        if (unpacking?.[1]) progress(`${unpacking[0].split(' ')[0]?.toLowerCase()} ${unpacking[1]}`)
      },
    })
  })
}
