import { createContext, useCallback, useContext, useEffect, useMemo, useState, type ReactNode } from 'react';
import type { ApprovalView, DoctorCheck, SettingsView, StatusView } from '../../../src/shared/control-api.js';
import type { ActivityEntry } from '../../../src/shared/gateway-messages.js';
import { asCallError, type ControlCallError } from '../transport/control-call-error.js';
import { useApi } from './api-context.js';

/** Rows the Activity screen keeps; older ones scroll out (the launcher keeps 500). */
export const ACTIVITY_SHOWN = 200;

export interface LiveState {
  readonly status: StatusView | undefined;
  readonly statusError: ControlCallError | undefined;
  readonly settings: SettingsView | undefined;
  readonly settingsError: ControlCallError | undefined;
  /** Oldest first, as the launcher sends them. */
  readonly activity: readonly ActivityEntry[];
  readonly activityError: ControlCallError | undefined;
  readonly doctor: {
    readonly checks: readonly DoctorCheck[] | undefined;
    readonly checkedAt: number;
    readonly busy: boolean;
    readonly error: ControlCallError | undefined;
  };
  /** Requests held for the user's approval, oldest first: the approval cards. */
  readonly approvals: readonly ApprovalView[];
  /** Drops a card at once (answered here), before the launcher's event confirms it. */
  dropApproval(id: string): void;
  runDoctor(): Promise<readonly DoctorCheck[] | undefined>;
  refreshStatus(): void;
  setSettings(settings: SettingsView): void;
}

const LiveContext = createContext<LiveState | null>(null);

/**
 * What several screens show and the launcher pushes: status, activity and doctor results,
 * fetched once and then kept current by live events (SSE or IPC).
 */
export function LiveProvider({ children }: { children: ReactNode }) {
  const api = useApi();
  const [status, setStatus] = useState<StatusView>();
  const [statusError, setStatusError] = useState<ControlCallError>();
  const [settings, setSettings] = useState<SettingsView>();
  const [settingsError, setSettingsError] = useState<ControlCallError>();
  const [activity, setActivity] = useState<readonly ActivityEntry[]>([]);
  const [activityError, setActivityError] = useState<ControlCallError>();
  const [doctor, setDoctor] = useState<LiveState['doctor']>({ checks: undefined, checkedAt: 0, busy: false, error: undefined });
  const [approvals, setApprovals] = useState<readonly ApprovalView[]>([]);
  const dropApproval = useCallback((id: string) => setApprovals((list) => list.filter((a) => a.id !== id)), []);

  const refreshStatus = useCallback(() => {
    api.call('status.get', {}).then(
      (s) => {
        setStatus(s);
        setStatusError(undefined);
      },
      (err: unknown) => setStatusError(asCallError(err)),
    );
  }, [api]);

  useEffect(() => {
    let current = true;
    refreshStatus();
    api.call('settings.get', {}).then(
      (s) => current && setSettings(s),
      (err: unknown) => current && setSettingsError(asCallError(err)),
    );
    api.call('activity.recent', { limit: ACTIVITY_SHOWN }).then(
      // Events may have arrived first: keep those, after the history.
      (recent) => current && setActivity((live) => [...recent.filter((r) => !live.some((l) => sameEntry(l, r))), ...live].slice(-ACTIVITY_SHOWN)),
      (err: unknown) => current && setActivityError(asCallError(err)),
    );
    // An event may come first; it is the newer list, so the fetched one only fills an empty start.
    let approvalsEvented = false;
    api.call('approvals.list', {}).then(
      (pending) => current && !approvalsEvented && setApprovals(pending),
      // No cards is the safe fallback: a held request still gives up on its own after 60 s.
      () => undefined,
    );
    const unsubscribe = api.subscribe((event) => {
      if (event.type === 'status') {
        setStatus(event.status);
        setStatusError(undefined);
      } else if (event.type === 'activity') {
        setActivity((list) => [...list, ...event.entries].slice(-ACTIVITY_SHOWN));
        // Status carries the last errors, but the launcher sends no status event when one is added.
        if (event.entries.some((e) => e.error)) refreshStatus();
      } else if (event.type === 'approvals') {
        approvalsEvented = true;
        setApprovals(event.pending);
      } else setDoctor((d) => ({ ...d, checks: event.checks, checkedAt: Date.now() }));
    });
    return () => {
      current = false;
      unsubscribe();
    };
  }, [api, refreshStatus]);

  const runDoctor = useCallback(async () => {
    setDoctor((d) => ({ ...d, busy: true, error: undefined }));
    try {
      const checks = await api.call('doctor.run', {});
      setDoctor({ checks, checkedAt: Date.now(), busy: false, error: undefined });
      return checks;
    } catch (err) {
      setDoctor((d) => ({ ...d, busy: false, error: asCallError(err) }));
      return undefined;
    }
  }, [api]);

  const value = useMemo<LiveState>(
    () => ({ status, statusError, settings, settingsError, activity, activityError, doctor, approvals, dropApproval, runDoctor, refreshStatus, setSettings }),
    [status, statusError, settings, settingsError, activity, activityError, doctor, approvals, dropApproval, runDoctor, refreshStatus],
  );
  return <LiveContext.Provider value={value}>{children}</LiveContext.Provider>;
}

function sameEntry(a: ActivityEntry, b: ActivityEntry): boolean {
  return a.at === b.at && a.host === b.host && a.agent === b.agent && a.status === b.status && a.ms === b.ms;
}

export function useLive(): LiveState {
  const live = useContext(LiveContext);
  if (!live) throw new Error('useLive() needs a <LiveProvider> above it');
  return live;
}
