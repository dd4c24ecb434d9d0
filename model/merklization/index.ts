/**
 * Appendices D and E: state keys, the state trie and its root, and general Merklization.
 *
 * For block import: keep the serialized state T(sigma) as a `StateTrie`; apply a block's changes
 * with `trieSet` / `trieDelete` (each copies only the path to its key), read the posterior root
 * with `trieRoot` (only nodes on changed paths are hashed again), and compare two states key by
 * key with `trieDiff`, naming each key with `stateKeyClassifier` and `describeComponent`.
 */
export * from './state-key.js';
export * from './trie.js';
export * from './merkle.js';
