import type { RefObject } from 'react';
import { MappingForm } from '../mappings/mapping-form.js';
import { ActionButton } from '../../components/action-button.js';

/** The first mapping: which host gets which secret. */
export function FirstMappingStep({ heading, onNext }: { heading: RefObject<HTMLHeadingElement | null>; onNext(host: string | undefined): void }) {
  return (
    <section className="step" aria-labelledby="step-title">
      <h1 id="step-title" ref={heading} tabIndex={-1}>
        Map a host to a key
      </h1>
      <p className="lead">When an agent calls this host through OneCLI, the gateway adds this key to the request. The agent never sees it.</p>
      <MappingForm submitLabel="Add mapping" onSaved={(saved) => onNext(saved[0]?.host)} />
      <div className="form-actions form-actions-start">
        <ActionButton variant="plain" onClick={() => onNext(undefined)}>
          Skip for now
        </ActionButton>
      </div>
    </section>
  );
}
