import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { serveControlApi } from '../core/control/control-server.js';
import { LAUNCHER_LOG_NAME, openLauncherLog } from '../core/logging/launcher-log.js';
import { openCore } from '../core/open-core.js';
import { removeRuntimeInfo, writeRuntimeInfo } from '../core/runtime-file.js';
import { EXIT } from './exit-codes.js';
import type { GlobalOptions } from './session.js';

/** The built UI (vite build → dist/renderer), served by the control API in headless mode. */
const RENDERER_DIR = fileURLToPath(new URL('../renderer/', import.meta.url));

/** The control API's default port: next to the gateway's, fixed so the UI's address is stable. */
export const DEFAULT_CONTROL_PORT = 10_256;

/**
 * `onecli-launcher serve`: the core, the gateway and the control API, headless. Runs until
 * SIGINT/SIGTERM, then stops the gateway (gracefully, then forcibly) and exits.
 */
export async function serve(opts: GlobalOptions, controlPort: number): Promise<number> {
  // JSON lines on stderr for whoever runs it (serve's stdout is for people), and a rotated file
  // in the data folder the UI can point at; the gateway's lines go to both.
  const launcherLog = openLauncherLog(path.join(opts.dataDir, 'logs', LAUNCHER_LOG_NAME), { also: process.stderr });
  const log = launcherLog.log;
  const core = await openCore({
    dataDir: opts.dataDir,
    port: opts.port,
    opPath: opts.opPath,
    extraCaFile: opts.extraCa,
    allowFileStore: opts.insecureFileStore,
    memoryWithoutKeychain: true,
    log,
    knownSecrets: launcherLog.known,
    logFile: launcherLog.file,
  });
  await core.start();
  const gw = core.gateway.status;
  if (gw.state !== 'running') {
    process.stderr.write(`onecli-launcher: the gateway did not start: ${gw.state === 'failed' ? gw.reason : gw.state}\n`);
    if (gw.state === 'failed' && gw.errno === 'EADDRINUSE')
      process.stderr.write(`  Port ${core.port} is in use: stop the other program or pass --port <port>.\n`);
    await core.stop();
    return EXIT.gateway;
  }

  // The CLI reads the control token from the keychain; without one, from the 0600 runtime file.
  const { token, inRuntimeFile: tokenInFile } = await core.controlToken(() => randomBytes(24).toString('base64url'));
  const persistent = core.secretStoreKind === 'keychain' || core.secretStoreKind === 'file';
  launcherLog.known.add(token);
  if (!persistent) process.stderr.write(`onecli-launcher: no keychain, so secrets live in memory for this run only (see onecli-launcher doctor).\n`);
  let control;
  try {
    control = await serveControlApi(core, { port: controlPort, token, staticDir: existsSync(RENDERER_DIR) ? RENDERER_DIR : undefined, log });
  } catch (err) {
    process.stderr.write(
      `onecli-launcher: cannot serve the control API on 127.0.0.1:${controlPort} (${(err as NodeJS.ErrnoException).code}): pass --control-port <port>.\n`,
    );
    await core.stop();
    return EXIT.failed;
  }
  core.setControlUrl(control.url);
  const launch = {
    ...(opts.port !== undefined ? { port: opts.port } : {}),
    ...(opts.opPath ? { opPath: path.resolve(opts.opPath) } : {}),
    ...(opts.extraCa ? { extraCaFile: path.resolve(opts.extraCa) } : {}),
    secretStore: core.secretStoreKind,
    ...(process.env.PATH !== undefined ? { path: process.env.PATH } : {}),
  };
  await writeRuntimeInfo(opts.dataDir, {
    pid: process.pid,
    controlUrl: control.url,
    gatewayPort: gw.port,
    startedAt: new Date().toISOString(),
    ...(tokenInFile ? { controlToken: token } : {}),
    launch,
  });

  const door = await core.onecli.status();
  if (door.listener.state === 'failed') process.stderr.write(`onecli-launcher: the OneCLI door did not start: ${door.listener.reason}.\n`);
  process.stdout.write(
    [
      `OneCLI gateway  http://127.0.0.1:${gw.port}  (HTTPS_PROXY, and base URLs at /r/<route>)`,
      `Control API     ${control.url}`,
      ...(existsSync(RENDERER_DIR) ? [`UI (sign in)    ${core.uiLoginUrl()}   (one-time link; onecli-launcher ui makes another)`] : []),
      `Agent setup     eval "$(onecli-launcher env)"   or   onecli-launcher run -- <command>`,
      ...(door.listener.state === 'listening' && door.urls
        ? [`OneCLI door     ${door.urls.native}   (upstream OneCLI's INTERNAL_API_URL; onecli-compat status)`]
        : []),
      '',
    ].join('\n'),
  );

  return new Promise<number>((resolve) => {
    let stopping = false;
    const stop = async () => {
      if (stopping) return;
      stopping = true;
      removeRuntimeInfo(opts.dataDir, process.pid);
      await control.close();
      await core.stop();
      resolve(EXIT.ok);
    };
    // `on`, not `once`: conf's when-exit re-sends the signal to the process, and a listener
    // must still be here then, or the default action kills us mid-shutdown.
    process.on('SIGINT', () => void stop());
    process.on('SIGTERM', () => void stop());
  });
}
