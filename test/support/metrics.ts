// Reads a service's /metrics (Prometheus text format) into its series, to compare scrapes.

/** `name{labels}` → value, for every sample of one scrape. */
export type Scrape = Map<string, number>

export async function scrapeMetrics(instanceUrl: string): Promise<Scrape> {
  const response = await fetch(`${instanceUrl}/metrics`, { signal: AbortSignal.timeout(10_000) })
  if (!response.ok) throw new Error(`${instanceUrl}/metrics answered ${response.status}`)
  const samples: Scrape = new Map()
  for (const line of (await response.text()).split('\n')) {
    if (line === '' || line.startsWith('#')) continue
    const split = line.lastIndexOf(' ')
    samples.set(line.slice(0, split), Number(line.slice(split + 1)))
  }
  return samples
}

/** The sum over `scrapes` of the series named `series` exactly (labels included, if any). */
export function total(scrapes: readonly Scrape[], series: string): number {
  return scrapes.reduce((sum, scrape) => sum + (scrape.get(series) ?? 0), 0)
}

/** herald's own series of a scrape; the process's (GC kinds, handle types) come and go. */
export function heraldSeries(scrape: Scrape): string[] {
  return [...scrape.keys()].filter((series) => series.startsWith('herald_')).sort()
}
