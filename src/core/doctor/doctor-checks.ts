import path from 'node:path';
import type { DoctorCheck, StatusView } from '../../shared/control-api.js';
import { dataDirProblem, octal, type DataDirInspection } from '../data-dir-permissions.js';
import type { OpLocation } from '../vault/op-locator.js';

/** The macOS pane for Full Disk Access: a constant, never built from input. */
export const FULL_DISK_ACCESS_PANE = 'x-apple.systempreferences:com.apple.preference.security?Privacy_AllFiles';

/** Only FDA can read it, and probing it never prompts (reference/macos-app.md §1). Never probe 1Password's Group Container: that *is* the access that prompts. */
export const TCC_PROBE_FILE = 'Library/Application Support/com.apple.TCC/TCC.db';

export interface DoctorFacts {
  readonly platform: NodeJS.Platform;
  readonly home: string;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly status: StatusView;
  readonly op: OpLocation;
  /** `stat` of the chosen op: its group name and whether it is setgid (Linux). */
  readonly opGroup?: { group: string | undefined; setgid: boolean } | undefined;
  /** Groups the current user is in (Linux). */
  readonly userGroups?: readonly string[] | undefined;
  readonly canRead: (file: string) => boolean;
  readonly exists: (file: string) => boolean;
  /** The result of asking the current source for its vaults. */
  readonly source: { ok: true; vaults: number } | { ok: false; message: string } | undefined;
  /** When the gateway is not running: whether its port could be bound. */
  readonly portFree?: boolean | undefined;
  /** Whether this process was started by a terminal rather than LaunchServices (macOS). */
  readonly startedFromTerminal: boolean;
  /** The data folder (settings, the CA files agents trust, runtime.json) as it is on disk now. */
  readonly dataDir: { readonly path: string; readonly inspection: DataDirInspection };
}

type Check = (f: DoctorFacts) => DoctorCheck | undefined;

const settingsFile: Check = ({ status }) => ({
  id: 'settings.file',
  title: 'Settings file',
  status: status.settings.health.startsWith('a corrupt') ? 'warn' : 'ok',
  detail: `${status.settings.file}: ${status.settings.health}`,
  ...(status.settings.health.startsWith('a corrupt') ? { fix: 'Your old settings are kept in the file named above; copy what you need back with onecli-launcher mappings add.' } : {}),
});

const keychain: Check = ({ status }) => ({
  id: 'secrets.store',
  title: 'Secret storage',
  status: status.secretStore.kind === 'keychain' ? 'ok' : status.secretStore.kind === 'file' ? 'warn' : 'fail',
  detail: status.secretStore.detail,
  ...(status.secretStore.kind !== 'keychain' ? { fix: 'Make the OS keychain reachable (on Linux: install and unlock gnome-keyring in your session), then restart. The file store is only for machines without one.' } : {}),
});

const gateway: Check = ({ status, portFree }) => {
  const gw = status.gateway;
  if (gw.state === 'stopped' && portFree !== undefined) {
    return {
      id: 'gateway.port',
      title: 'Gateway',
      status: portFree ? 'ok' : 'fail',
      detail: portFree ? `not running; port ${gw.port} is free for it` : `not running, and port ${gw.port} is taken by another program`,
      ...(portFree ? {} : { fix: `Stop the other program, or run the launcher with --port <free port>.` }),
    };
  }
  const inUse = gw.reason?.includes('EADDRINUSE');
  return {
    id: 'gateway.port',
    title: 'Gateway',
    status: gw.state === 'running' ? 'ok' : gw.state === 'failed' ? 'fail' : 'warn',
    detail: gw.state === 'running' ? `listening on ${gw.address}` : `${gw.state}${gw.reason ? `: ${gw.reason}` : ''}`,
    ...(inUse ? { fix: `Port ${gw.port} is taken by another program: stop it, or start with --port <free port>.` } : gw.state === 'failed' ? { fix: 'See the reason above, fix it, then restart the gateway.' } : {}),
  };
};

const caFiles: Check = ({ status, exists }) =>
  status.ca
    ? {
        id: 'ca.files',
        title: 'Local CA',
        status: exists(status.ca.certFile) && exists(status.ca.bundleFile) ? 'ok' : 'fail',
        detail: `${status.ca.subject}, valid until ${status.ca.notAfter.slice(0, 10)}; agents trust ${status.ca.certFile} (NODE_EXTRA_CA_CERTS) and ${status.ca.bundleFile} (SSL_CERT_FILE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, GIT_SSL_CAINFO)`,
      }
    : undefined;

const dataDirPermissions: Check = ({ dataDir: { path: dir, inspection: found } }) => {
  const base = { id: 'datadir.permissions', title: 'Data folder permissions' };
  switch (found.kind) {
    case 'not-checked':
      return { ...base, status: 'skip', detail: `${dir}: not checked (${found.reason})`, fix: 'Make sure only your user may write this folder: it holds the CA bundle agents trust.' };
    case 'missing':
      return { ...base, status: 'warn', detail: `${dir} does not exist`, fix: 'Restart the launcher: it creates the folder (0700) and writes the CA files again.' };
    case 'not-a-folder':
      return { ...base, status: 'fail', detail: `${dir} is not a folder`, fix: dataDirProblem(dir, found)! };
    case 'folder':
      break;
  }
  const detail = `${dir}: ${octal(found.mode)}, owner uid ${found.ownerUid}${found.ownerUid === found.currentUid ? ' (you)' : ` (you are uid ${found.currentUid})`}`;
  const problem = dataDirProblem(dir, found);
  return problem ? { ...base, status: 'fail', detail, fix: problem } : { ...base, status: 'ok', detail: `${detail}; only you may write it` };
};

const opInstalled: Check = ({ op, status }) => {
  const list = op.installs.map((i) => `${i.path} (${i.version ?? i.error})`).join('; ');
  const needed = status.source.kind === 'desktop';
  if (!op.chosen) {
    return { id: 'op.installed', title: '1Password CLI (op)', status: needed ? 'fail' : 'skip', detail: `not found in ${op.searchDirs.join(', ')}`, fix: 'Install the 1Password CLI (brew install 1password-cli, or the Linux package), or pass --op-path.' };
  }
  return {
    id: 'op.installed',
    title: '1Password CLI (op)',
    status: op.chosen.error ? 'fail' : op.installs.length > 1 ? 'warn' : 'ok',
    detail: `using ${op.chosen.path} (${op.chosen.version ?? op.chosen.error}); found: ${list}`,
    ...(op.installs.length > 1 ? { fix: 'More than one op is installed; remove the ones you do not use, or pass --op-path, so the 1Password app integration sees one binary.' } : {}),
  };
};

const opGroup: Check = ({ platform, op, opGroup: g, userGroups }) => {
  if (platform !== 'linux' || !op.chosen || !g) return undefined;
  const ok = g.group === 'onepassword-cli' && g.setgid;
  return {
    id: 'op.linux-group',
    title: 'op may talk to the 1Password app',
    status: ok ? 'ok' : 'fail',
    detail: `${op.chosen.realPath} group ${g.group ?? 'unknown'}, setgid ${g.setgid ? 'on' : 'off'}${userGroups ? `; you are in: ${userGroups.join(', ')}` : ''}`,
    ...(ok ? {} : { fix: `Without the onepassword-cli group and the setgid bit op fails with "connection reset": sudo groupadd -f onepassword-cli && sudo chgrp onepassword-cli ${op.chosen.realPath} && sudo chmod g+s ${op.chosen.realPath}` }),
  };
};

const source: Check = ({ status, source: s }) => {
  if (status.source.kind === 'none') return { id: 'source.connected', title: '1Password', status: 'warn', detail: 'no 1Password source connected (local:// secrets still work)', fix: 'Connect one: onecli-launcher pair --service-account - (token on stdin), or pair --desktop.' };
  if (!s) return undefined;
  return {
    id: status.source.kind === 'desktop' ? 'source.desktop' : 'source.service-account',
    title: status.source.kind === 'desktop' ? '1Password app integration' : '1Password service account',
    status: s.ok ? 'ok' : 'fail',
    detail: s.ok ? `${s.vaults} vault(s) visible` : s.message,
    ...(s.ok ? {} : { fix: s.message }),
  };
};

const fullDiskAccess: Check = ({ platform, home, canRead, startedFromTerminal }) => {
  if (platform !== 'darwin') return undefined;
  const granted = canRead(path.join(home, TCC_PROBE_FILE));
  const terminal = startedFromTerminal ? ' This run was started from a terminal, so macOS charges the terminal, not OneCLI.app: open the app from Finder to test its own grant.' : '';
  return {
    id: 'macos.full-disk-access',
    title: 'Full Disk Access',
    status: granted ? 'ok' : 'warn',
    detail: (granted ? 'granted' : 'not granted: 1Password access will prompt on every launch') + terminal,
    ...(granted ? {} : { fix: 'Open System Settings → Privacy & Security → Full Disk Access, turn on OneCLI, then relaunch it.', link: FULL_DISK_ACCESS_PANE }),
  };
};

const sshAgent: Check = ({ platform, home, env, exists }) => {
  // On macOS the socket lives in 1Password's Group Container: looking at it is the access that
  // prompts, so only the variable is read there.
  const sock = env.SSH_AUTH_SOCK ?? '';
  const linuxSock = path.join(home, '.1password/agent.sock');
  const active = platform === 'darwin' ? sock.includes('2BUA8C4S2C.com.1password') : sock === linuxSock && exists(linuxSock);
  return {
    id: 'op.ssh-agent',
    title: '1Password SSH agent',
    status: active ? 'ok' : 'skip',
    detail: active ? `SSH_AUTH_SOCK points at 1Password's agent` : 'not in use (optional: git over SSH can use 1Password\'s agent)',
  };
};

export const DOCTOR_CHECKS: readonly Check[] = [settingsFile, dataDirPermissions, keychain, gateway, caFiles, source, opInstalled, opGroup, fullDiskAccess, sshAgent];

export function runDoctorChecks(facts: DoctorFacts): DoctorCheck[] {
  return DOCTOR_CHECKS.map((check) => check(facts)).filter((c): c is DoctorCheck => c !== undefined);
}
