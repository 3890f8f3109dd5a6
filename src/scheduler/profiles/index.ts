/** The named policies. `profileFor('balanced')` is the default. */
import { invalid } from '../../domain/errors.js';
import { balancedProfile } from './balanced.js';
import { cheapestProfile } from './cheapest.js';
import { greenestProfile } from './greenest.js';
import { nearestProfile } from './nearest.js';
import { optimalProfile } from './optimal.js';
import { POLICY_NAMES, type PolicyName, type Profile, validateProfile } from './profile.js';

const PROFILES: Record<PolicyName, Profile> = {
  nearest: validateProfile(nearestProfile),
  cheapest: validateProfile(cheapestProfile),
  greenest: validateProfile(greenestProfile),
  balanced: validateProfile(balancedProfile),
  optimal: validateProfile(optimalProfile),
};

export function profileFor(name: PolicyName | string): Profile {
  const p = PROFILES[name as PolicyName];
  if (!p) throw invalid('profile', `unknown policy '${name}' (known: ${POLICY_NAMES.join(', ')})`);
  return p;
}

export { POLICY_NAMES, type PolicyName, type Profile, validateProfile } from './profile.js';
