import { launcherLogger } from '../../src/core/logging/launcher-log.js';
import type { CoreLogger } from '../../src/core/logging/core-logger.js';
import { KnownSecrets } from '../../src/shared/log-redaction.js';

export interface LogRecord {
  level: string;
  msg?: string;
  component?: string;
  [field: string]: unknown;
}

/** The launcher's real logger (pino, the shared redaction), writing into memory: `lines` as written, `records` parsed. */
export function memoryLog(options: { level?: string } = {}): { log: CoreLogger; known: KnownSecrets; lines: string[]; records: LogRecord[] } {
  const lines: string[] = [];
  const records: LogRecord[] = [];
  const known = new KnownSecrets();
  const log = launcherLogger(
    {
      write: (line) => {
        lines.push(line);
        records.push(JSON.parse(line) as LogRecord);
      },
    },
    { known, ...options },
  );
  return { log, known, lines, records };
}
