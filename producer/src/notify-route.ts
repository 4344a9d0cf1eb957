// POST /notify: validate → publish → answer 202 with where Kafka stored the record.

import { validateNotifyRequest } from '@herald/shared'
import type { KafkaPublisher } from '@herald/shared/kafka'
import express, { type RequestHandler } from 'express'

import { ApiError } from './errors.js'

/** Accepts `application/json` and `application/*+json`, with or without parameters. */
export function isJsonMediaType(contentType: string | undefined): boolean {
  const mediaType = contentType?.split(';', 1)[0]?.trim().toLowerCase() ?? ''
  return mediaType === 'application/json' || /^application\/[^/]+\+json$/.test(mediaType)
}

const requireJson: RequestHandler = (req, _res, next) => {
  if (isJsonMediaType(req.headers['content-type'])) return next()
  next(new ApiError(415, 'unsupported_media_type', 'Content-Type must be application/json'))
}

export function notifyHandlers(
  publisher: Pick<KafkaPublisher, 'publish'>,
  maxBodyBytes: number,
): RequestHandler[] {
  const parseJson = express.json({
    limit: maxBodyBytes,
    // Any JSON text parses; whether it is the right shape is validateNotifyRequest's answer.
    strict: false,
    type: () => true,
  })
  const publish: RequestHandler = async (req, res) => {
    const validation = validateNotifyRequest(req.body)
    if (!validation.ok) throw new ApiError(400, validation.code, validation.message)
    const { topic, message, key } = validation.value
    const receipt = await publisher.publish({
      topic,
      value: JSON.stringify(message),
      timestamp: Date.now(),
      ...(key === undefined ? {} : { key }),
    })
    res.status(202).json(receipt)
  }
  return [requireJson, parseJson, publish]
}
