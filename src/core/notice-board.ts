import { NOTICES, type NoticeId } from '../shared/control-api.js';
import type { SettingsRepository } from './settings/settings-repository.js';

/** One-time notices from the shell: shown until the user dismisses one, then never again. */
export class NoticeBoard {
  readonly #shown = new Set<NoticeId>();

  constructor(
    private readonly settings: SettingsRepository,
    private readonly onChange: () => void,
  ) {}

  /** A shell problem the user should hear about once (unless they dismissed it before). */
  report(id: NoticeId): void {
    if (this.#shown.has(id) || this.settings.get().preferences.dismissedNotices.includes(id)) return;
    this.#shown.add(id);
    this.onChange();
  }

  dismiss(id: NoticeId): void {
    this.#shown.delete(id);
    this.settings.update((s) => ({
      ...s,
      preferences: { ...s.preferences, dismissedNotices: [...new Set([...s.preferences.dismissedNotices, id])].slice(-32) },
    }));
    this.onChange();
  }

  list(): { id: NoticeId; title: string; detail: string; fix: string; link?: string }[] {
    return [...this.#shown].map((id) => ({ id, ...NOTICES[id] }));
  }
}
