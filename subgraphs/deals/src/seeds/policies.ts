import type { EntityManager } from 'typeorm';
import { RegistrationPolicyEntity } from '../entities/registration-policy.entity';

/** Demo configuration: an approved registration lasts 90 days in every program. */
export const REGISTRATION_POLICIES = [
  { programCode: 'FR-2023', approvalValidityDays: 90, maxExtensionDays: 90 },
  { programCode: 'CH-2011', approvalValidityDays: 90, maxExtensionDays: 90 },
  { programCode: 'AU-2014', approvalValidityDays: 90, maxExtensionDays: 90 },
  { programCode: 'US-2014', approvalValidityDays: 90, maxExtensionDays: 90 },
];

export async function seedRegistrationPolicies(manager: EntityManager): Promise<void> {
  for (const policy of REGISTRATION_POLICIES) {
    if (!(await manager.existsBy(RegistrationPolicyEntity, { programCode: policy.programCode }))) {
      await manager.insert(RegistrationPolicyEntity, policy);
    }
  }
}
