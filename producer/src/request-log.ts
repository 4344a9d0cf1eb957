// One JSON line per answered request, with its id: the producer's part of a notification's trail.

import type { Logger } from '@herald/shared/service'
import type { RequestHandler } from 'express'

import { requestIdOf } from './request-id.js'

export function logRequests(logger: Logger): RequestHandler {
  return (req, res, next) => {
    const startedAt = process.hrtime.bigint()
    res.once('finish', () => {
      logger.info(
        {
          requestId: requestIdOf(res),
          method: req.method,
          path: req.originalUrl.split('?', 1)[0],
          status: res.statusCode,
          ms: Number(process.hrtime.bigint() - startedAt) / 1e6,
          ...(res.locals.published === undefined ? {} : { published: res.locals.published }),
        },
        'request',
      )
    })
    next()
  }
}
