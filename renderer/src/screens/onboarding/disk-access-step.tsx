import { useEffect, type RefObject } from 'react';
import { useLive } from '../../api/live-state.js';
import { useAction } from '../../api/use-call.js';
import { ActionButton } from '../../components/action-button.js';
import { ErrorNote } from '../../components/notes.js';
import { StatusDot } from '../../components/status-dot.js';

/** How often the step re-runs the doctor while it waits for the grant. */
const RECHECK_MS = 3_000;
const CHECK_ID = 'macos.full-disk-access';

/** macOS: Full Disk Access for OneCLI.app, re-checked by itself until it turns green. */
export function DiskAccessStep({ heading, onNext }: { heading: RefObject<HTMLHeadingElement | null>; onNext(): void }) {
  const { settings, doctor, runDoctor } = useLive();
  const open = useAction('system.openLink');
  const check = doctor.checks?.find((c) => c.id === CHECK_ID);
  const granted = check?.status === 'ok';

  useEffect(() => {
    if (granted) return;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let stopped = false;
    const tick = async () => {
      await runDoctor();
      if (!stopped) timer = setTimeout(() => void tick(), RECHECK_MS);
    };
    void tick();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [granted, runDoctor]);

  return (
    <section className="step" aria-labelledby="step-title">
      <h1 id="step-title" ref={heading} tabIndex={-1}>
        Allow Full Disk Access
      </h1>
      <p className="lead">macOS guards the 1Password app’s data; OneCLI needs Full Disk Access to ask 1Password for keys without a prompt each launch.</p>
      <p className="lead">Turn on OneCLI in the list that opens. The grant survives updates.</p>

      <div className="card">
        <div className="row">
          <StatusDot tone={granted ? 'ok' : 'busy'} />
          <div className="row-main" role="status">
            <strong>{granted ? 'Full Disk Access granted' : check ? 'Not granted yet' : 'Checking…'}</strong>
            {!granted && <span className="muted small">Checking again every few seconds.</span>}
          </div>
        </div>
        {check && !granted && <p className="row-note small">{check.detail}</p>}
      </div>
      <ErrorNote error={doctor.error} />

      {settings?.capabilities.openLinks ? (
        <ActionButton
          variant={granted ? 'secondary' : 'primary'}
          busy={open.busy}
          busyLabel="Opening…"
          onClick={() => void open.run({ link: 'fullDiskAccess' })}
        >
          Open System Settings
        </ActionButton>
      ) : (
        <p className="hint">Open System Settings → Privacy &amp; Security → Full Disk Access, then turn on OneCLI.</p>
      )}
      <ErrorNote error={open.error} />
      {open.result && !open.result.opened && (
        <p className="hint">This window cannot open System Settings: open it yourself (Privacy &amp; Security → Full Disk Access).</p>
      )}

      <div className="form-actions">
        <ActionButton variant={granted ? 'primary' : 'secondary'} onClick={onNext}>
          {granted ? 'Continue' : 'Skip for now'}
        </ActionButton>
      </div>
    </section>
  );
}
