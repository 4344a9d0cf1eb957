// docker-compose.yml cannot run on this machine (no Docker engine), so its shape is checked
// statically: Docker's own validator, then what herald needs of it.

import { KAFKA_VERSION } from '@herald/stack'
import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'
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
}

const compose = parse(read('docker-compose.yml')) as {
  services: Record<string, Service>
  version?: string
}
const { services } = compose

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
    for (const [name, service] of Object.entries(services)) {
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
    const { services: cluster } = merged()
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
