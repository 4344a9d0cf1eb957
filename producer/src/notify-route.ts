// POST /notify: validate → publish → answer 202 with where Kafka stored the record.

import { validateNotifyRequest, type NotifyRequest } from '@herald/shared'
import { REQUEST_ID_HEADER, type KafkaPublisher, type OutgoingRecord } from '@herald/shared/kafka'
import express, { type RequestHandler } from 'express'

import { assertMayPublish, callerOf } from './callers.js'
import { ApiError } from './errors.js'
import type { Guards } from './guards.js'
import { requestIdOf } from './request-id.js'

/** Accepts `application/json` and `application/*+json`, with or without parameters. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase() ?? ''
  return mediaType === 'application/json' || /^application\/[^/]+\+json$/.test(mediaType)
}

export const requireJson: RequestHandler = (req, _res, next) => {
  if (isJsonMediaType(req.headers['content-type'])) return next()
  next(new ApiError(415, 'unsupported_media_type', 'Content-Type must be application/json'))
}

/** Parses any JSON text up to `limit` bytes; whether it has the right shape is the route's call. */
export function jsonBody(limit: number): RequestHandler {
  return express.json({ limit, strict: false, type: () => true })
}

/** The Kafka record of a validated notification, with the id of the request that posted it. */
export function toOutgoingRecord(
  { topic, message, key }: NotifyRequest,
  requestId: string,
): OutgoingRecord {
  return {
    topic,
    value: JSON.stringify(message),
    timestamp: Date.now(),
    ...(key === undefined ? {} : { key }),
    headers: { [REQUEST_ID_HEADER]: requestId },
  }
}

export function notifyHandlers(
  publisher: Pick<KafkaPublisher, 'publish'>,
  guards: Guards,
  maxBodyBytes: number,
): RequestHandler[] {
  const publish: RequestHandler = async (req, res) => {
    const validation = validateNotifyRequest(req.body)
    if (!validation.ok) throw new ApiError(400, validation.code, validation.message)
    const caller = callerOf(res)
    const { topic } = validation.value
    assertMayPublish(caller, topic)
    await guards.limits.publish(caller, 1)
    await guards.admitTopic(caller, topic)
    const receipt = await publisher.publish(toOutgoingRecord(validation.value, requestIdOf(res)))
    res.locals.published = receipt
    res.status(202).json(receipt)
  }
  return [guards.identify({ tokens: 'admin' }), requireJson, jsonBody(maxBodyBytes), publish]
}
