// One id per request, from nginx ($request_id, sent as X-Request-Id) to the answer's X-Request-Id
// header, the request's log line, the Kafka record's header and the `notification` every
// subscriber gets: one `grep` follows a notification end to end. A request that reached the
// producer without a usable id (straight from a client) gets one here.

import { randomBytes } from 'node:crypto'

import type { RequestHandler, Response } from 'express'

/** What nginx's $request_id is (32 hex digits) and what a caller's own id may be. */
const USABLE_ID = /^[A-Za-z0-9._-]{1,64}$/

export function chooseRequestId(header: string | undefined): string {
  return header !== undefined && USABLE_ID.test(header) ? header : randomBytes(16).toString('hex')
}

export const assignRequestId: RequestHandler = (req, res, next) => {
  const id = chooseRequestId(req.get('x-request-id'))
  res.locals.requestId = id
  res.set('X-Request-Id', id)
  next()
}

/** The id `assignRequestId` gave the request this answers. */
export function requestIdOf(res: Response): string {
  return res.locals.requestId as string
}
