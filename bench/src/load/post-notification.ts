// One POST /notify outside any measured load (making a topic, a marker): anything but 202 throws.

export async function postNotification(
  url: string,
  body: unknown,
  authorization?: string,
): Promise<void> {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (authorization !== undefined) headers.authorization = authorization
  const response = await fetch(`${url}/notify`, {
    method: 'POST',
    headers,
    body: JSON.stringify(body),
  })
  await response.arrayBuffer()
  if (response.status !== 202) throw new Error(`POST /notify answered ${response.status}`)
}
