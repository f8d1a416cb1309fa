import { useAsync } from "../../common/ui.jsx";
import { api, patiently } from "../api.js";

export function fullName(person) {
  return [person?.first_name, person?.last_name].filter(Boolean).join(" ");
}

// The organization's members by user id, to name a campaign's owner and creator (the campaigns
// API gives only their ids). The first 100 members: enough for the names of a school's team.
export function useMemberNames(organizationId) {
  const { data } = useAsync(
    () => patiently(() => api.get(`/api/organizations/${organizationId}/members`, { page_size: 100 })),
    [organizationId],
  );
  const names = new Map((data?.items || []).map((member) => [member.user_id, fullName(member) || member.email]));
  return (userId) => names.get(userId) || "";
}
