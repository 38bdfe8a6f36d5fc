import type { ChangeEvent } from "react";
import type { Session } from "../bindings/Session";
import { SOURCE_LABELS, groupBySource, profileKey, sameProfile, toRef } from "../lib/profiles";
import { useProfiles, useRegions, useSession, useSetSession } from "../lib/queries";
import { useToast } from "../lib/toast";
import { ChevronDownIcon, GlobeIcon, UserIcon } from "./Icons";

/** Header controls for the current profile and region, persisted through `session_set`. */
export function SessionSwitchers() {
  const profiles = useProfiles();
  const session = useSession();
  const regions = useRegions();
  const setSession = useSetSession();
  const toast = useToast();

  const current = session.data?.profile ?? null;
  const currentProfile = profiles.data?.find((p) => sameProfile(p, current)) ?? null;
  const currentKey = current ? profileKey(current) : "";
  const regionValue = session.data?.region ?? currentProfile?.region ?? "";
  const busy = setSession.isPending;

  function update(next: Session) {
    setSession.mutate(next, { onError: (error) => toast.error(error) });
  }

  function onProfileChange(event: ChangeEvent<HTMLSelectElement>) {
    const key = event.target.value;
    if (key === "") {
      update({ profile: null, region: session.data?.region ?? null });
      return;
    }
    const picked = profiles.data?.find((p) => profileKey(p) === key);
    if (!picked) return;
    // Switching profile moves to that profile's region when it has one.
    update({ profile: toRef(picked), region: picked.region ?? (regionValue || null) });
  }

  function onRegionChange(event: ChangeEvent<HTMLSelectElement>) {
    update({ profile: current, region: event.target.value || null });
  }

  const profilesReady = profiles.isSuccess && session.isSuccess;
  const groups = groupBySource(profiles.data ?? []);
  const knownRegion = regions.data?.some((r) => r.code === regionValue) ?? false;

  let profilePlaceholder = "Choose a profile";
  if (profiles.isPending || session.isPending) profilePlaceholder = "Loading profiles…";
  else if (profiles.isError || session.isError) profilePlaceholder = "Profiles unavailable";
  else if (groups.length === 0) profilePlaceholder = "No profiles yet";

  return (
    <div className="switchers">
      <label className="switcher" title="Profile used for AWS calls">
        <UserIcon size={15} className="switcher-icon" />
        <span className="visually-hidden">Profile</span>
        <select
          value={profilesReady ? currentKey : ""}
          onChange={onProfileChange}
          disabled={!profilesReady || busy || groups.length === 0}
          data-testid="profile-switcher"
        >
          <option value="">{profilePlaceholder}</option>
          {groups.map(([source, list]) => (
            <optgroup key={source} label={SOURCE_LABELS[source]}>
              {list.map((p) => (
                <option key={profileKey(p)} value={profileKey(p)}>
                  {p.isDefault ? `${p.name} (default)` : p.name}
                </option>
              ))}
            </optgroup>
          ))}
          {current && profilesReady && !currentProfile && (
            <option value={currentKey}>{`${current.name} (not found)`}</option>
          )}
        </select>
        <ChevronDownIcon size={14} className="switcher-chevron" />
      </label>
      <label className="switcher" title="AWS region">
        <GlobeIcon size={15} className="switcher-icon" />
        <span className="visually-hidden">Region</span>
        <select
          value={regions.isSuccess && session.isSuccess ? regionValue : ""}
          onChange={onRegionChange}
          disabled={!regions.isSuccess || !session.isSuccess || busy}
          data-testid="region-switcher"
        >
          {(!regionValue || !regions.isSuccess) && (
            <option value="">{regions.isPending ? "Loading regions…" : "Choose a region"}</option>
          )}
          {regions.data?.map((r) => (
            <option key={r.code} value={r.code}>
              {`${r.code} · ${r.name}`}
            </option>
          ))}
          {regionValue && regions.isSuccess && !knownRegion && <option value={regionValue}>{regionValue}</option>}
        </select>
        <ChevronDownIcon size={14} className="switcher-chevron" />
      </label>
    </div>
  );
}
