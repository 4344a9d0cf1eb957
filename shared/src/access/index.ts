// Who may publish and who may watch: publisher keys, subscriber tokens and what they grant.
export * from './access-env.js'
export * from './grants.js'
export * from './publisher-keys.js'
export * from './tokens.js'
export * from './token-signer.js'
export * from './limit-range.js'
