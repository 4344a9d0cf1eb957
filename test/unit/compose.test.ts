// docker-compose.yml cannot run on this machine (no Docker engine), so its shape is checked
// statically: Docker's own validator, then what herald needs of it.

import { KAFKA_VERSION } from '@herald/stack'
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { parse } from 'yaml'

const ROOT = join(import.meta.dirname, '..', '..')
const read = (file: string): string => readFileSync(join(ROOT, file), 'utf8')

interface Service {
  image?: string
  build?: { context: string; target: string }
  ports?: string[]
  volumes?: string[]
  environment?: Record<string, string | number>
  healthcheck?: { test: unknown }
  restart?: string
  container_name?: string
  depends_on?: Record<string, { condition: string }>
  deploy?: { replicas: number }
  profiles?: string[]
  command?: string[]
}

const compose = parse(read('docker-compose.yml')) as {
  services: Record<string, Service>
  version?: string
}
const { services: allServices } = compose
/** What `docker compose up` runs: the services of no profile. */
const services = Object.fromEntries(
  Object.entries(allServices).filter(([, service]) => service.profiles === undefined),
)

describe('docker-compose.yml', () => {
  const composeConfig = (env: Record<string, string>): void => {
    execFileSync('docker-compose', ['-f', join(ROOT, 'docker-compose.yml'), 'config', '--quiet'], {
      stdio: 'pipe',
      env: { PATH: process.env.PATH ?? '', ...env },
    })
  }

  it('passes docker-compose config once the access settings are given', () => {
    expect(() =>
      composeConfig({ HERALD_PUBLISHER_KEYS: '[]', HERALD_TOKEN_SECRET: 'secret' }),
    ).not.toThrow()
  })

  it('refuses to run without publisher keys and a token secret, naming what is missing', () => {
    expect(() => composeConfig({ HERALD_TOKEN_SECRET: 'secret' })).toThrow(
      /set HERALD_PUBLISHER_KEYS/,
    )
    expect(() => composeConfig({ HERALD_PUBLISHER_KEYS: '[]' })).toThrow(/set HERALD_TOKEN_SECRET/)
    for (const name of ['producer', 'consumer']) {
      expect(services[name]?.environment).toHaveProperty('HERALD_TOKEN_SECRET')
      expect(services[name]?.environment).not.toHaveProperty('HERALD_OPEN_ACCESS')
    }
  })

  it('runs the same topology as the native stack: Kafka, Redis, producers, consumers, nginx', () => {
    expect(Object.keys(services).sort()).toEqual([
      'consumer',
      'kafka',
      'nginx',
      'producer',
      'redis',
    ])
    expect(compose.version).toBeUndefined()
  })

  it('runs the Kafka 4 version of the native stack, in KRaft mode without ZooKeeper', () => {
    expect(KAFKA_VERSION).toMatch(/^4\./)
    expect(services.kafka?.image).toBe(`apache/kafka:${KAFKA_VERSION}`)
    expect(services.kafka?.environment?.KAFKA_PROCESS_ROLES).toBe('broker,controller')
    expect(read('docker-compose.yml')).not.toMatch(/zookeeper/i)
  })

  it('builds producer and consumer from this repository, scalable with --scale', () => {
    for (const name of ['producer', 'consumer']) {
      const service = services[name]
      expect(service?.build).toEqual({ context: '.', target: name })
      expect(service?.container_name).toBeUndefined()
      expect(service?.ports).toBeUndefined()
      expect(service?.deploy?.replicas).toBe(2)
    }
  })

  it('publishes only :9000, through nginx built with the repository config and the client', () => {
    const published = Object.entries(services).filter(([, service]) => service.ports !== undefined)
    expect(published.map(([name, service]) => [name, service.ports])).toEqual([
      ['nginx', ['9000:9000']],
    ])
    expect(services.nginx?.build).toEqual({ context: '.', target: 'nginx' })
  })

  it('gives every service a health check and restart: unless-stopped', () => {
    for (const [name, service] of Object.entries(allServices)) {
      expect(service.healthcheck?.test, name).toBeDefined()
      expect(service.restart, name).toBe('unless-stopped')
    }
  })

  it('points the nginx upstreams at the compose services', () => {
    const upstreams = read('nginx/upstreams.compose.conf')
    expect(upstreams).toMatch(/upstream producers \{[^}]*server producer:8080 resolve;/)
    expect(upstreams).toMatch(
      /upstream consumers \{[^}]*hash \$consumer_affinity consistent;[^}]*server consumer:8080 resolve;/,
    )
  })
})

describe("docker-compose.yml's monitoring profile", () => {
  const monitoring = Object.entries(allServices).filter(([, service]) =>
    service.profiles?.includes('monitoring'),
  )
  const service = (name: string): Service => {
    const found = allServices[name]
    if (found === undefined) throw new Error(`no service ${name}`)
    return found
  }
  /** host path → container path of a service's bind mounts of the repository's files. */
  const mounts = (name: string): Map<string, string> =>
    new Map(
      (service(name).volumes ?? [])
        .filter((volume) => volume.startsWith('./'))
        .map((volume) => {
          const [host = '', container = ''] = volume.split(':')
          return [host, container]
        }),
    )

  it('adds Prometheus and Grafana, and only to that profile', () => {
    expect(monitoring.map(([name]) => name).sort()).toEqual(['grafana', 'prometheus'])
    expect(monitoring.every(([, s]) => s.profiles?.length === 1)).toBe(true)
    // Docker's own validator, with the profile on.
    expect(() =>
      execFileSync(
        'docker-compose',
        ['-f', join(ROOT, 'docker-compose.yml'), '--profile', 'monitoring', 'config', '--quiet'],
        {
          stdio: 'pipe',
          env: {
            PATH: process.env.PATH ?? '',
            HERALD_PUBLISHER_KEYS: '[]',
            HERALD_TOKEN_SECRET: 'secret',
          },
        },
      ),
    ).not.toThrow()
  })

  it('runs pinned images, on loopback ports only', () => {
    expect(service('prometheus').image).toMatch(/^prom\/prometheus:v\d+\.\d+\.\d+$/)
    expect(service('grafana').image).toMatch(/^grafana\/grafana:\d+\.\d+\.\d+$/)
    expect(service('prometheus').ports).toEqual(['127.0.0.1:9090:9090'])
    expect(service('grafana').ports).toEqual(['127.0.0.1:3000:3000'])
  })

  it('mounts files that exist in the repository', () => {
    for (const [name] of monitoring) {
      expect(mounts(name).size, name).toBeGreaterThan(0)
      for (const host of mounts(name).keys()) expect(existsSync(join(ROOT, host)), host).toBe(true)
    }
  })

  it('gives Prometheus the same rules as the native stack, beside its config', () => {
    const prometheus = mounts('prometheus')
    expect(prometheus.get('./monitoring/prometheus/herald-rules.yml')).toBe(
      '/etc/prometheus/herald-rules.yml',
    )
    expect(prometheus.get('./monitoring/prometheus/prometheus.compose.yml')).toBe(
      '/etc/prometheus/prometheus.yml',
    )
    expect(service('prometheus').command).toContain('--config.file=/etc/prometheus/prometheus.yml')
    const check = execFileSync(
      'promtool',
      ['check', 'config', join(ROOT, 'monitoring/prometheus/prometheus.compose.yml')],
      { encoding: 'utf8' },
    )
    expect(check).toMatch(/SUCCESS: \d+ rules found/)
  })

  it('finds every replica of producer and consumer through DNS, on their port', () => {
    const config = parse(read('monitoring/prometheus/prometheus.compose.yml')) as {
      rule_files: string[]
      scrape_configs: {
        job_name: string
        dns_sd_configs?: { names: string[]; type: string; port: number }[]
      }[]
    }
    expect(config.rule_files).toEqual(['herald-rules.yml'])
    expect(
      config.scrape_configs.map(({ job_name, dns_sd_configs }) => [job_name, dns_sd_configs]),
    ).toEqual(
      ['producer', 'consumer'].map((name) => [
        name,
        [expect.objectContaining({ names: [name], type: 'A', port: 8080 })],
      ]),
    )
    // The port the services listen on: the one their health checks ask.
    for (const name of ['producer', 'consumer'])
      expect(JSON.stringify(service(name).healthcheck?.test)).toContain('127.0.0.1:8080/')
  })

  it("provisions Grafana with the profile's Prometheus and herald's dashboard", () => {
    const grafana = mounts('grafana')
    const provisioning = './monitoring/grafana/provisioning'
    expect(grafana.get(`${provisioning}/datasources`)).toBe('/etc/grafana/provisioning/datasources')
    expect(grafana.get(`${provisioning}/dashboards`)).toBe('/etc/grafana/provisioning/dashboards')
    const datasources = parse(read(`${provisioning}/datasources/prometheus.yml`)) as {
      datasources: { uid: string; type: string; url: string }[]
    }
    expect(datasources.datasources).toEqual([
      expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090' }),
    ])
    const providers = parse(read(`${provisioning}/dashboards/herald.yml`)) as {
      providers: { options: { path: string } }[]
    }
    const dashboardsDir = providers.providers[0]?.options.path
    expect(grafana.get('./monitoring/grafana/dashboards')).toBe(dashboardsDir)

    // Every panel asks the provisioned datasource.
    const dashboard = JSON.parse(read('monitoring/grafana/dashboards/herald.json')) as {
      panels: { type: string; datasource?: { uid: string } }[]
    }
    const uid = datasources.datasources[0]?.uid
    for (const panel of dashboard.panels.filter((p) => p.type !== 'row'))
      expect(panel.datasource?.uid).toBe(uid)
  })
})

describe('docker-compose.kafka-cluster.yml', () => {
  const merged = () =>
    parse(
      execFileSync(
        'docker-compose',
        [
          '-f',
          join(ROOT, 'docker-compose.yml'),
          '-f',
          join(ROOT, 'docker-compose.kafka-cluster.yml'),
          'config',
        ],
        {
          stdio: 'pipe',
          encoding: 'utf8',
          env: {
            PATH: process.env.PATH ?? '',
            HERALD_PUBLISHER_KEYS: '[]',
            HERALD_TOKEN_SECRET: 'secret',
          },
        },
      ),
    ) as { services: Record<string, Service> }

  it('runs three KRaft brokers of one quorum, as `npm start -- --brokers 3` does', () => {
    const cluster = Object.fromEntries(
      Object.entries(merged().services).filter(([, service]) => service.profiles === undefined),
    )
    const brokers = ['kafka', 'kafka-2', 'kafka-3']
    expect(Object.keys(cluster).sort()).toEqual(
      ['consumer', 'nginx', 'producer', 'redis', ...brokers].sort(),
    )
    const clusterIds = new Set<unknown>()
    brokers.forEach((name, i) => {
      const env = cluster[name]?.environment ?? {}
      expect(cluster[name]?.image).toBe(`apache/kafka:${KAFKA_VERSION}`)
      expect(env.KAFKA_NODE_ID).toBe(i + 1)
      expect(env.KAFKA_CONTROLLER_QUORUM_VOTERS).toBe('1@kafka:9093,2@kafka-2:9093,3@kafka-3:9093')
      expect(env.KAFKA_ADVERTISED_LISTENERS).toBe(`PLAINTEXT://${name}:9092`)
      // The native stack's cluster: three replicas, two in sync to acknowledge.
      expect(env.KAFKA_DEFAULT_REPLICATION_FACTOR).toBe(3)
      expect(env.KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR).toBe(3)
      expect(env.KAFKA_MIN_INSYNC_REPLICAS).toBe(2)
      expect(cluster[name]?.healthcheck?.test).toBeDefined()
      expect(cluster[name]?.restart).toBe('unless-stopped')
      clusterIds.add(env.CLUSTER_ID)
    })
    expect(clusterIds.size).toBe(1)
    for (const name of ['producer', 'consumer']) {
      expect(cluster[name]?.environment?.KAFKA_BROKERS).toBe('kafka:9092,kafka-2:9092,kafka-3:9092')
      expect(Object.keys(cluster[name]?.depends_on ?? {})).toEqual(expect.arrayContaining(brokers))
    }
  })
})

describe('Dockerfile', () => {
  const dockerfile = read('Dockerfile')

  it('has a producer and a consumer target that run node directly as a non-root user', () => {
    expect(dockerfile).toMatch(/^FROM runtime AS producer$/m)
    expect(dockerfile).toMatch(/^FROM runtime AS consumer$/m)
    expect(dockerfile).toContain('CMD ["node", "producer/dist/main.js"]')
    expect(dockerfile).toContain('CMD ["node", "consumer/dist/main.js"]')
    expect(dockerfile).toMatch(/^USER node$/m)
    expect(dockerfile).toMatch(/^FROM node:(22|24)-slim/m)
  })

  it('copies every workspace manifest before npm ci, in both stages', () => {
    const { workspaces } = JSON.parse(read('package.json')) as { workspaces: string[] }
    for (const workspace of workspaces) {
      const copies = dockerfile.split(`COPY ${workspace}/package.json ${workspace}/`).length - 1
      expect(copies, workspace).toBe(2)
    }
  })

  it('bakes nginx.conf, the compose upstreams and the built client into the nginx target', () => {
    expect(dockerfile).toMatch(/^FROM nginx:1\.(2[89]|[3-9]\d)[.\w-]* AS nginx$/m)
    expect(dockerfile).toContain('COPY nginx/nginx.conf nginx/herald-proxy.conf /etc/nginx/')
    expect(dockerfile).toContain(
      'COPY nginx/upstreams.compose.conf /etc/nginx/herald-upstreams.conf',
    )
    expect(dockerfile).toContain('COPY --from=build /app/client/dist /etc/nginx/client')
  })
})
