import type { StatusView, SystemLink } from '../../../src/shared/control-api.js';
import { SYSTEM_LINKS } from '../../../src/shared/control-api.js';
import { useLive } from '../api/live-state.js';
import { useAction } from '../api/use-call.js';
import { ActionButton } from './action-button.js';
import { ErrorNote } from './notes.js';

type Notice = NonNullable<StatusView['notices']>[number];

const isLink = (link: string | undefined): link is SystemLink => link !== undefined && Object.hasOwn(SYSTEM_LINKS, link);

/** One-time notices from the app (macOS refused a notification, …): shown until dismissed, then never again. */
export function ShellNotices({ notices, canOpenLinks }: { notices: readonly Notice[] | undefined; canOpenLinks: boolean }) {
  if (!notices?.length) return null;
  return (
    <>
      {notices.map((n) => (
        <NoticeCard key={n.id} notice={n} canOpenLinks={canOpenLinks} />
      ))}
    </>
  );
}

function NoticeCard({ notice, canOpenLinks }: { notice: Notice; canOpenLinks: boolean }) {
  const { refreshStatus } = useLive();
  const dismiss = useAction('notices.dismiss');
  const open = useAction('system.openLink');
  const titleId = `notice-${notice.id}`;
  return (
    <section className="card card-padded note-warn" aria-labelledby={titleId} data-notice={notice.id}>
      <h2 id={titleId}>{notice.title}</h2>
      <p className="small">{notice.detail}</p>
      <p className="small">{notice.fix}</p>
      <div className="form-actions form-actions-start">
        {canOpenLinks && isLink(notice.link) && (
          <ActionButton small busy={open.busy} onClick={() => void open.run({ link: notice.link as SystemLink })}>
            Open System Settings
          </ActionButton>
        )}
        <ActionButton small variant="plain" busy={dismiss.busy} onClick={() => void dismiss.run({ id: notice.id as never }).then((r) => r && refreshStatus())}>
          Dismiss
        </ActionButton>
      </div>
      <ErrorNote error={dismiss.error ?? open.error} />
    </section>
  );
}
