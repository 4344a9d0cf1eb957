// Readiness probes: is a process serving yet?

import { request } from 'node:http'
import { connect } from 'node:net'

/** True when `GET url` answers 200 within `timeoutMs`. */
export function httpOk(url: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request(url, { timeout: timeoutMs }, (res) => {
      res.resume()
      resolve(res.statusCode === 200)
    })
    req.on('timeout', () => req.destroy())
    req.on('error', () => resolve(false))
    req.end()
  })
}

/** True when Redis at host:port answers PING. */
export function redisPong(host: string, port: number, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host, port, timeout: timeoutMs })
    let reply = ''
    const finish = (ok: boolean): void => {
      socket.destroy()
      resolve(ok)
    }
    socket.on('connect', () => socket.write('PING\r\n'))
    socket.on('data', (chunk: Buffer) => {
      reply += chunk.toString('utf8')
      if (reply.includes('\r\n')) finish(reply.startsWith('+PONG'))
    })
    socket.on('timeout', () => finish(false))
    socket.on('error', () => finish(false))
  })
}
