import { isTaggableType } from "./cost-allocation-tags";
import { policies } from "./policies";

/**
 * For each policy, whether it judges a resource of a given type: what reports count as "checked". Importing this
 * starts no server (it reads ./policies, not the pack's entry).
 */
export function policySubjects(): Map<string, (type: string) => boolean> {
  const subjects = new Map<string, (type: string) => boolean>();
  for (const p of policies) {
    const types = p.subjectTypes;
    subjects.set(p.name, types ? (type) => types.includes(type) : () => true);
  }
  // It declares no types (it looks at every resource) and decides inside validate which ones carry billing tags.
  subjects.set("cost-allocation-tags", isTaggableType);
  return subjects;
}
