// Ceiling of the HTTP path: herald's request handling (Express, JSON, the contract's validation)
// answering 202 with a made-up receipt, without Kafka. Behind the repository's nginx config it is
// what nginx → producers could do at best on this machine.

import type { PublishReceipt } from '@herald/shared'

import type { StoreNotification } from './notify-app.js'

export function acceptWithoutKafka(): StoreNotification {
  let offset = 0n
  return ({ topic }) => {
    const receipt: PublishReceipt = {
      topic,
      partition: 0,
      offset: String(offset++),
      timestamp: Date.now(),
    }
    return Promise.resolve(receipt)
  }
}
