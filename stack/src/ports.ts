// Ports: a free one for each internal process, and a clear error when a requested one is taken.

import { createServer } from 'node:net'

export class PortInUseError extends Error {
  override readonly name = 'PortInUseError'

  constructor(
    readonly port: number,
    what: string,
    hint: string,
  ) {
    super(`port ${port} (${what}) is already in use; ${hint}`)
  }
}

/** Resolves with the port bound, rejects with the listen error. */
function bind(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.unref()
    server.once('error', reject)
    server.listen({ port, host, exclusive: true }, () => {
      const address = server.address()
      const bound = typeof address === 'object' && address !== null ? address.port : port
      server.close(() => resolve(bound))
    })
  })
}

/** A port nothing listens on right now. */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return bind(0, host)
}

/** Throws PortInUseError when `port` is taken on any address the stack would listen on. */
export async function assertPortFree(port: number, what: string, hint: string): Promise<void> {
  for (const host of ['127.0.0.1', '0.0.0.0']) {
    try {
      await bind(port, host)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
        throw new PortInUseError(port, what, hint)
      }
      throw error
    }
  }
}
