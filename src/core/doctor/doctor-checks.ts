import path from 'node:path';
import type { DoctorCheck, ExtraCaView, StatusView } from '../../shared/control-api.js';
import type { Remedy } from '../../shared/remedy.js';
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
  readonly source: { ok: true; vaults: number } | { ok: false; message: string; remedy?: Remedy } | undefined;
  /** When the gateway is not running: whether its port could be bound. */
  readonly portFree?: boolean | undefined;
  /** Whether this process was started by a terminal rather than LaunchServices (macOS). */
  readonly startedFromTerminal: boolean;
  /** The data folder (settings, the CA files agents trust, runtime.json) as it is on disk now. */
  readonly dataDir: { readonly path: string; readonly inspection: DataDirInspection };
  /** Extra upstream trust (Settings, and --extra-ca / NODE_EXTRA_CA_CERTS of this launch), read now. */
  readonly extraCa?: ExtraCaView | undefined;
}

type Check = (f: DoctorFacts) => DoctorCheck | undefined;

/** A check that is not ok, and what to do about it. */
export type Problem = { readonly status: Exclude<DoctorCheck['status'], 'ok'>; readonly fix: string; readonly remedy?: Remedy };

/** A check's result: ok, or not ok with its fix (the type has no third way). */
export function verdict(head: { id: string; title: string; link?: string }, detail: string, problem: Problem | undefined): DoctorCheck {
  return problem ? { ...head, detail, ...problem } : { ...head, status: 'ok', detail };
}

const settingsFile: Check = ({ status }) => {
  const { file, health } = status.settings;
  return verdict(
    { id: 'settings.file', title: 'Settings file' },
    health.kind === 'set-aside'
      ? `${file}: a corrupt settings file was moved to ${health.movedTo} (${health.reason}); defaults are in use`
      : `${file}: ${health.kind}`,
    health.kind === 'set-aside'
      ? { status: 'warn', fix: 'Your old settings are kept in the file named above; add back the mappings you need.', remedy: 'add-mappings' }
      : undefined,
  );
};

const keychain: Check = ({ status }) =>
  verdict(
    { id: 'secrets.store', title: 'Secret storage' },
    status.secretStore.detail,
    status.secretStore.kind === 'keychain'
      ? undefined
      : {
          status: status.secretStore.kind === 'file' ? 'warn' : 'fail',
          fix: 'Make the OS keychain reachable (on Linux: install and unlock gnome-keyring in your session), then restart. The file store is only for machines without one.',
        },
  );

const gateway: Check = ({ status, portFree }) => {
  const gw = status.gateway;
  const head = { id: 'gateway.port', title: 'Gateway' };
  if (gw.state === 'stopped' && portFree !== undefined) {
    return portFree
      ? verdict(head, `not running; port ${gw.port} is free for it`, undefined)
      : verdict(head, `not running, and port ${gw.port} is taken by another program`, {
          status: 'fail',
          fix: 'Stop the other program, or choose another port for the gateway.',
          remedy: 'choose-port',
        });
  }
  const detail = gw.state === 'running' ? `listening on ${gw.address}` : `${gw.state}${gw.reason ? `: ${gw.reason}` : ''}`;
  if (gw.state === 'running') return verdict(head, detail, undefined);
  const problem: Pick<Problem, 'fix' | 'remedy'> =
    gw.errno === 'EADDRINUSE'
      ? { fix: `Port ${gw.port} is taken by another program: stop it, or choose another port for the gateway.`, remedy: 'choose-port' }
      : gw.errno === 'EACCES'
        ? { fix: `Port ${gw.port} may not be used by this user: choose a port above 1024.`, remedy: 'choose-port' }
        : gw.state === 'failed'
          ? { fix: 'Restart the gateway; if it fails again, the reason above and the last lines it printed say why.', remedy: 'restart-gateway' }
          : { fix: 'Wait a few seconds and run the doctor again; if the gateway is still not running, restart it.', remedy: 'restart-gateway' };
  return verdict(head, detail, { status: gw.state === 'failed' ? 'fail' : 'warn', ...problem });
};

const caFiles: Check = ({ status, exists }) =>
  status.ca
    ? verdict(
        { id: 'ca.files', title: 'Local CA' },
        `${status.ca.subject}, valid until ${status.ca.notAfter.slice(0, 10)}; agents trust ${status.ca.certFile} (NODE_EXTRA_CA_CERTS) and ${status.ca.bundleFile} (SSL_CERT_FILE, REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE, GIT_SSL_CAINFO)`,
        exists(status.ca.certFile) && exists(status.ca.bundleFile)
          ? undefined
          : { status: 'fail', fix: 'Restart the launcher: it writes both files again at every start.' },
      )
    : undefined;

const dataDirPermissions: Check = ({ dataDir: { path: dir, inspection: found } }) => {
  const base = { id: 'datadir.permissions', title: 'Data folder permissions' };
  switch (found.kind) {
    case 'not-checked':
      return {
        ...base,
        status: 'skip',
        detail: `${dir}: not checked (${found.reason})`,
        fix: 'Make sure only your user may write this folder: it holds the CA bundle agents trust.',
      };
    case 'missing':
      return {
        ...base,
        status: 'warn',
        detail: `${dir} does not exist`,
        fix: 'Restart the launcher: it creates the folder (0700) and writes the CA files again.',
      };
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
  const head = { id: 'op.installed', title: '1Password CLI (op)' };
  const list = op.installs.map((i) => `${i.path} (${i.version ?? i.error})`).join('; ');
  const needed = status.source.kind === 'desktop';
  if (!op.chosen) {
    return verdict(head, `not found in ${op.searchDirs.join(', ')}`, {
      status: needed ? 'fail' : 'skip',
      fix: 'Install the 1Password CLI (brew install 1password-cli, or the Linux package).',
      remedy: 'choose-op',
    });
  }
  const detail = `using ${op.chosen.path} (${op.chosen.version ?? op.chosen.error}); found: ${list}`;
  if (op.chosen.error) {
    const fix =
      op.chosenBecause === 'explicit'
        ? `--op-path ${op.chosen.path}: ${op.chosen.error}. Pass the absolute path of an installed op (command -v op prints it), or leave --op-path out to use the op on PATH.`
        : `${op.chosen.path} does not run: ${op.chosen.error}. Reinstall the 1Password CLI.`;
    return verdict(head, detail, { status: 'fail', fix, ...(op.chosenBecause === 'explicit' ? {} : { remedy: 'choose-op' as const }) });
  }
  return verdict(
    head,
    detail,
    op.installs.length > 1
      ? {
          status: 'warn',
          fix: 'More than one op is installed; remove the ones you do not use, so the 1Password app integration sees one binary.',
          remedy: 'choose-op',
        }
      : undefined,
  );
};

const opGroup: Check = ({ platform, op, opGroup: g, userGroups }) => {
  if (platform !== 'linux' || !op.chosen || !g) return undefined;
  const ok = g.group === 'onepassword-cli' && g.setgid;
  return verdict(
    { id: 'op.linux-group', title: 'op may talk to the 1Password app' },
    `${op.chosen.realPath} group ${g.group ?? 'unknown'}, setgid ${g.setgid ? 'on' : 'off'}${userGroups ? `; you are in: ${userGroups.join(', ')}` : ''}`,
    ok
      ? undefined
      : {
          status: 'fail',
          fix: `Without the onepassword-cli group and the setgid bit op fails with "connection reset": sudo groupadd -f onepassword-cli && sudo chgrp onepassword-cli ${op.chosen.realPath} && sudo chmod g+s ${op.chosen.realPath}`,
        },
  );
};

const source: Check = ({ status, source: s }) => {
  if (status.source.kind === 'none') {
    return verdict({ id: 'source.connected', title: '1Password' }, 'no 1Password source connected (local:// secrets still work)', {
      status: 'warn',
      fix: 'Connect 1Password: the 1Password app, or a service-account token.',
      remedy: 'connect-1password',
    });
  }
  if (!s) return undefined;
  const head =
    status.source.kind === 'desktop'
      ? { id: 'source.desktop', title: '1Password app integration' }
      : { id: 'source.service-account', title: '1Password service account' };
  return s.ok
    ? verdict(head, `${s.vaults} vault(s) visible`, undefined)
    : verdict(head, s.message, {
        status: 'fail',
        fix: s.message || 'Asking 1Password failed; the launcher log says why. Connect 1Password again.',
        remedy: s.remedy ?? 'connect-1password',
      });
};

const fullDiskAccess: Check = ({ platform, home, canRead, startedFromTerminal }) => {
  if (platform !== 'darwin') return undefined;
  const granted = canRead(path.join(home, TCC_PROBE_FILE));
  const terminal = startedFromTerminal
    ? ' This run was started from a terminal, so macOS charges the terminal, not OneCLI.app: open the app from Finder to test its own grant.'
    : '';
  const head = { id: 'macos.full-disk-access', title: 'Full Disk Access' };
  return granted
    ? verdict(head, `granted${terminal}`, undefined)
    : verdict({ ...head, link: FULL_DISK_ACCESS_PANE }, `not granted: 1Password access will prompt on every launch${terminal}`, {
        status: 'warn',
        fix: 'Open System Settings → Privacy & Security → Full Disk Access, turn on OneCLI, then relaunch it.',
      });
};

const sshAgent: Check = ({ platform, home, env, exists }) => {
  // On macOS the socket lives in 1Password's Group Container: looking at it is the access that
  // prompts, so only the variable is read there.
  const sock = env.SSH_AUTH_SOCK ?? '';
  const linuxSock = path.join(home, '.1password/agent.sock');
  const active = platform === 'darwin' ? sock.includes('2BUA8C4S2C.com.1password') : sock === linuxSock && exists(linuxSock);
  const head = { id: 'op.ssh-agent', title: '1Password SSH agent' };
  if (active) return verdict(head, `SSH_AUTH_SOCK points at 1Password's agent`, undefined);
  const socket = platform === 'darwin' ? '~/Library/Group Containers/2BUA8C4S2C.com.1password/t/agent.sock' : linuxSock;
  return verdict(head, "not in use (optional: git over SSH can use 1Password's agent)", {
    status: 'skip',
    fix: `Nothing to do unless you want git over SSH to use keys in 1Password: turn on its SSH agent (1Password → Settings → Developer), then export SSH_AUTH_SOCK=${socket}.`,
  });
};

const extraCa: Check = ({ extraCa: view }) => {
  if (!view) return undefined;
  const head = { id: 'upstream.extra-ca', title: 'Extra upstream CA' };
  const launch = view.launchFile ? `; this launch also trusts ${view.launchFile} (--extra-ca or NODE_EXTRA_CA_CERTS)` : '';
  if (view.state === 'problem')
    return verdict(head, `${view.file ?? ''}: ${view.detail} The gateway runs without it${launch}`, {
      status: 'fail',
      fix: view.fix ?? 'Choose the PEM file again in Settings → Upstream trust.',
    });
  return verdict(head, `${view.state === 'ok' ? `${view.file}: ${view.detail}` : view.detail}${launch}`, undefined);
};

export const DOCTOR_CHECKS: readonly Check[] = [
  settingsFile,
  dataDirPermissions,
  keychain,
  gateway,
  caFiles,
  extraCa,
  source,
  opInstalled,
  opGroup,
  fullDiskAccess,
  sshAgent,
];

export function runDoctorChecks(facts: DoctorFacts): DoctorCheck[] {
  return DOCTOR_CHECKS.map((check) => check(facts)).filter((c): c is DoctorCheck => c !== undefined);
}
