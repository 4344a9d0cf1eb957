// The `POST /notify` every baseline answers: the contract's body parsing and validation, then one
// `store` call per request whose receipt is the 202. What differs between baselines is `store`.

import { validateNotifyRequest, type NotifyRequest, type PublishReceipt } from '@herald/shared'
import express, { type Express } from 'express'

export type StoreNotification = (request: NotifyRequest) => Promise<PublishReceipt>

export function createNotifyApp(store: StoreNotification): Express {
  const app = express()
  app.disable('x-powered-by')
  app.post('/notify', express.json({ limit: 64 * 1024, strict: false }), async (req, res) => {
    const validation = validateNotifyRequest(req.body)
    if (!validation.ok) {
      res.status(400).json({ error: { code: validation.code, message: validation.message } })
      return
    }
    try {
      res.status(202).json(await store(validation.value))
    } catch {
      res.status(503).json({ error: { code: 'unavailable', message: 'not stored' } })
    }
  })
  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' })
  })
  return app
}
