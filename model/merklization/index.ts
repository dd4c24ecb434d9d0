/** Appendices D and E: state keys, the state trie and its root, and general Merklization. */
export * from './state-key.js';
export * from './trie.js';
export * from './merkle.js';
