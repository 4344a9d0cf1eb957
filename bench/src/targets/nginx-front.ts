// An nginx of the bench's own with the repository's nginx/nginx.conf, in front of servers the
// bench started: the HTTP path of herald (nginx → producers) without Kafka behind it. The config
// is rendered as stack/src/nginx.ts renders it, upstreams aside; the stack does not export that.

import { spawn } from 'node:child_process'
import { copyFileSync, mkdirSync, openSync, readFileSync, closeSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'

import { sleep } from '../clock.js'
import { REPO_ROOT } from '../paths.js'
import { freePort } from './free-port.js'

export interface NginxFront {
  url: string
  /** The master; its workers are its children. */
  pid: number
  stop(): Promise<void>
}

const COMPOSE_LISTEN = 'listen 9000;'

export async function startNginxFront(dir: string, producerPorts: number[]): Promise<NginxFront> {
  const temp = join(dir, 'temp')
  mkdirSync(temp, { recursive: true })
  const port = await freePort()
  const template = readFileSync(join(REPO_ROOT, 'nginx', 'nginx.conf'), 'utf8')
  writeFileSync(
    join(dir, 'nginx.conf'),
    template.replace(COMPOSE_LISTEN, `listen 127.0.0.1:${port};`),
  )
  copyFileSync(join(REPO_ROOT, 'nginx', 'herald-proxy.conf'), join(dir, 'herald-proxy.conf'))
  const servers = producerPorts.map((each) => `  server 127.0.0.1:${each};`).join('\n')
  writeFileSync(
    join(dir, 'herald-upstreams.conf'),
    [
      ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map(
        (kind) => `${kind}_temp_path ${temp}/${kind};`,
      ),
      // The same keep-alive pool the native stack gives its producers.
      `upstream producers {\n${servers}\n  keepalive 64;\n  keepalive_timeout 60s;\n}`,
      // nginx.conf routes /socket.io/ here; the ceiling never uses it.
      `upstream consumers {\n  hash $consumer_affinity consistent;\n${servers}\n}`,
    ].join('\n'),
  )

  const globals = [
    'daemon off;',
    `pid ${join(dir, 'nginx.pid')};`,
    ...(process.getuid?.() === 0 ? ['user root;'] : []),
  ]
  const log = openSync(join(dir, 'nginx.log'), 'a')
  const child = spawn(
    'nginx',
    ['-p', `${dir}/`, '-c', join(dir, 'nginx.conf'), '-e', 'stderr', '-g', globals.join(' ')],
    { stdio: ['ignore', log, log], detached: true },
  )
  closeSync(log)
  const url = `http://127.0.0.1:${port}`
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const stop = async (): Promise<void> => {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
    process.kill(-child.pid, 'SIGQUIT')
    const timer = setTimeout(() => child.pid && process.kill(-child.pid, 'SIGKILL'), 5000)
    await exited
    clearTimeout(timer)
  }
  for (let attempt = 0; attempt < 100; attempt += 1) {
    if (child.exitCode !== null) break
    const ok = await fetch(`${url}/healthz`).then(
      (response) => response.ok,
      () => false,
    )
    if (ok && child.pid !== undefined) return { url, pid: child.pid, stop }
    await sleep(100)
  }
  await stop()
  throw new Error(`the bench's nginx did not start; see ${join(dir, 'nginx.log')}`)
}
