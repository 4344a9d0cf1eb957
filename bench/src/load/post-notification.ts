// One POST /notify outside any measured load (making a topic, a marker): anything but 202 throws.

export async function postNotification(url: string, body: unknown): Promise<void> {
  const response = await fetch(`${url}/notify`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  })
  await response.arrayBuffer()
  if (response.status !== 202) throw new Error(`POST /notify answered ${response.status}`)
}
