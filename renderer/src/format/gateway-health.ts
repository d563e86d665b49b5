import type { DoctorCheck, StatusView } from '../../../src/shared/control-api.js';
import type { Tone } from '../components/status-dot.js';

/** Errors newer than this make a running gateway "degraded". */
const RECENT_ERROR_MS = 10 * 60_000;

export interface GatewayHealth {
  readonly tone: Tone;
  /** One word: Running, Degraded, Starting, Restarting, Failed, Stopped. */
  readonly label: string;
  /** Why it is degraded, when it is. */
  readonly why: readonly string[];
}

/** The check that says whether the connected 1Password source answers. */
export function sourceCheck(checks: readonly DoctorCheck[] | undefined): DoctorCheck | undefined {
  return checks?.find((c) => c.id === 'source.desktop' || c.id === 'source.service-account' || c.id === 'source.connected');
}

/** running / degraded / stopped, plus starting, restarting and failed: what the header pill and the tray icon say. */
export function gatewayHealth(status: StatusView, checks: readonly DoctorCheck[] | undefined, now = Date.now()): GatewayHealth {
  switch (status.gateway.state) {
    case 'starting':
      return { tone: 'busy', label: 'Starting', why: [] };
    case 'restarting':
      return { tone: 'warn', label: 'Restarting', why: [] };
    case 'failed':
      return { tone: 'fail', label: 'Failed', why: [] };
    case 'stopped':
      return { tone: 'idle', label: 'Stopped', why: [] };
    case 'running': {
      const why: string[] = [];
      const source = sourceCheck(checks);
      if (source && source.status === 'fail') why.push('1Password does not answer.');
      const recent = status.lastErrors.filter((e) => now - e.at < RECENT_ERROR_MS).length;
      if (recent) why.push(`${recent} request${recent === 1 ? '' : 's'} failed in the last 10 minutes.`);
      return why.length ? { tone: 'warn', label: 'Degraded', why } : { tone: 'ok', label: 'Running', why };
    }
  }
}
