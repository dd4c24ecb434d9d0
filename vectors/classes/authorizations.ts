/**
 * `stf/authorizations`: the authorizer pools (section 8). `auth_pools` is alpha, `auth_queues`
 * is phi'; the input's `auths` are the (core, authorizer) pairs of the guaranteed reports.
 */
import { nothing, record, u16, u32, varSequence } from '../../spec/codec.js';
import { codecs, hash } from '../../spec/codecs.js';
import { authorization, type AuthorizationInput, type AuthorizationState } from '../../model/authorization/index.js';
import { infallible, stfCaseCodec, stfClass } from '../stf.js';

const coreAuthorizer = record<AuthorizationInput['guaranteed'][number]>('CoreAuthorizer', [
  ['core', 'core', u16],
  ['authorizer', 'auth_hash', hash],
]);

const input = record<AuthorizationInput>('AuthorizationsInput', [
  ['slot', 'slot', u32],
  ['guaranteed', 'auths', varSequence(coreAuthorizer)],
]);

export const authorizationsClass = stfClass({
  name: 'authorizations',
  description: 'authorizer pools alpha and queues phi (section 8)',
  testCase: (spec) => {
    const c = codecs(spec);
    const state = record<AuthorizationState>('AuthorizationsState', [
      ['alpha', 'auth_pools', c.alpha],
      ['phi', 'auth_queues', c.phi],
    ]);
    return stfCaseCodec(input, state, nothing);
  },
  run: (spec) => (preState, i) => infallible(authorization(spec)(preState, i)),
});
