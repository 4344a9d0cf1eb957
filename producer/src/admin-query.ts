// The operator API's query strings, validated: a bad value is `400 invalid_request` naming it.

import type { Request } from 'express'

import { ApiError } from './errors.js'

export interface TopicsQuery {
  /** Topics whose name holds this (case-insensitive); empty: all. */
  search: string
  limit: number
  offset: number
}

const TOPICS_LIMIT = { fallback: 50, max: 200 }
const DEAD_LETTERS_LIMIT = { fallback: 20, max: 100 }
/** Longer than any topic name: a search that long can match nothing. */
const MAX_SEARCH_LENGTH = 200

type Query = Request['query']

function invalid(message: string): ApiError {
  return new ApiError(400, 'invalid_request', message)
}

function integer(query: Query, name: string, fallback: number, min: number, max: number): number {
  const raw = query[name]
  if (raw === undefined) return fallback
  const value = typeof raw === 'string' && /^\d{1,9}$/.test(raw) ? Number(raw) : NaN
  if (!(value >= min && value <= max)) {
    throw invalid(`${name} must be given once, an integer from ${min} to ${max}`)
  }
  return value
}

export function parseTopicsQuery(query: Query): TopicsQuery {
  const search = query.search ?? ''
  if (typeof search !== 'string' || search.length > MAX_SEARCH_LENGTH) {
    throw invalid(`search must be given once, at most ${MAX_SEARCH_LENGTH} characters`)
  }
  return {
    search,
    limit: integer(query, 'limit', TOPICS_LIMIT.fallback, 1, TOPICS_LIMIT.max),
    offset: integer(query, 'offset', 0, 0, 999_999_999),
  }
}

export function parseDeadLettersLimit(query: Query): number {
  return integer(query, 'limit', DEAD_LETTERS_LIMIT.fallback, 1, DEAD_LETTERS_LIMIT.max)
}
