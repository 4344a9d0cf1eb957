import { describe, expect, it } from 'vitest'

import { parseTopics, withTopics } from '../topic-url'

describe('parseTopics', () => {
  it('reads a comma-separated list in order', () => {
    expect(parseTopics('?topics=orders,alerts')).toEqual(['orders', 'alerts'])
  })

  it('accepts repeated parameters', () => {
    expect(parseTopics('?topics=a,b&topics=c')).toEqual(['a', 'b', 'c'])
  })

  it('reads keyed streams encoded, an encoded comma belonging to its key', () => {
    expect(parseTopics('?topics=orders%23user-42,orders%23a%2Cb%20c,alerts')).toEqual([
      'orders#user-42',
      'orders#a,b c',
      'alerts',
    ])
  })

  it('drops patterns, keyed streams without a key and malformed escapes', () => {
    expect(parseTopics('?topics=orders.*,*,orders%23,%23k,%E0%A4%A,ok')).toEqual(['ok'])
  })

  it('drops blanks, duplicates and names the topic rule refuses', () => {
    expect(parseTopics('?topics=orders,, alerts ,orders,__internal,a%20b,..')).toEqual([
      'orders',
      'alerts',
    ])
  })

  it('answers no topics when there is no parameter', () => {
    expect(parseTopics('')).toEqual([])
    expect(parseTopics('?other=1')).toEqual([])
  })
})

describe('withTopics', () => {
  it('writes the topics with plain commas', () => {
    expect(withTopics('http://localhost:9000/', ['orders', 'alerts'])).toBe(
      '/?topics=orders,alerts',
    )
  })

  it('keeps the other parameters and the fragment', () => {
    expect(withTopics('http://h/page?x=1&topics=old#top', ['new'])).toBe('/page?x=1&topics=new#top')
  })

  it('removes the parameter when no topic is watched', () => {
    expect(withTopics('http://h/?topics=orders', [])).toBe('/')
    expect(withTopics('http://h/?x=1&topics=orders', [])).toBe('/?x=1')
  })

  it('encodes each keyed stream on its own, so no character of a key is lost', () => {
    expect(withTopics('http://h/', ['orders', 'orders#user 42,eu'])).toBe(
      '/?topics=orders,orders%23user%2042%2Ceu',
    )
  })

  it('round-trips through parseTopics', () => {
    const topics = ['a.b', 'c_d', 'e-f', 'G9', 'orders#user-42', 'orders#ключ&=?#,%']
    expect(parseTopics(new URL(withTopics('http://h/', topics), 'http://h').search)).toEqual(topics)
  })
})
