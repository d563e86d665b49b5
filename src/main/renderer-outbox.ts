import type { ControlEvent } from '../shared/control-api.js';

const MAX_PENDING = 200;

/**
 * Holds main → renderer events until the popover says it is ready (it loads after the core is
 * up, and reloads): anything sent before then would be lost. Status is coalesced to the latest;
 * activity is capped.
 */
export class RendererOutbox {
  #ready = false;
  #pending: ControlEvent[] = [];

  constructor(private readonly deliver: (event: ControlEvent) => void) {}

  post(event: ControlEvent): void {
    if (this.#ready) return this.deliver(event);
    const kept = event.type === 'status' ? this.#pending.filter((e) => e.type !== 'status') : this.#pending;
    this.#pending = [...kept, event].slice(-MAX_PENDING);
  }

  markReady(): void {
    this.#ready = true;
    for (const event of this.#pending.splice(0)) this.deliver(event);
  }

  markReloading(): void {
    this.#ready = false;
  }
}
