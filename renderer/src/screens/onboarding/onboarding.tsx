import { useEffect, useRef, useState } from 'react';
import { useLive } from '../../api/live-state.js';
import { AgentSetupStep } from './agent-setup-step.js';
import { ConnectStep } from './connect-step.js';
import { DiskAccessStep } from './disk-access-step.js';
import { FirstMappingStep } from './first-mapping-step.js';

type Step = 'disk' | 'connect' | 'mapping' | 'agent';

/**
 * First run: Full Disk Access (macOS only) → connect 1Password → first mapping → agent setup.
 * Each step can be skipped; the app is usable (Status, Doctor) without finishing.
 */
export function Onboarding({ onFinish }: { onFinish(): void }) {
  const { settings } = useLive();
  const steps: Step[] = settings?.capabilities.platform === 'darwin' ? ['disk', 'connect', 'mapping', 'agent'] : ['connect', 'mapping', 'agent'];
  const [at, setAt] = useState(0);
  const [host, setHost] = useState<string>();
  const step = steps[Math.min(at, steps.length - 1)] ?? 'connect';
  const next = () => setAt((n) => Math.min(n + 1, steps.length - 1));
  const heading = useRef<HTMLHeadingElement>(null);
  const first = useRef(true);
  useEffect(() => {
    // A new step starts at its heading, for keyboard and screen-reader users alike.
    if (first.current) first.current = false;
    else heading.current?.focus();
  }, [step]);

  return (
    <div className="app onboarding">
      <header className="app-header">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Set up OneCLI
        </div>
        <p className="step-count">
          Step {at + 1} of {steps.length}
        </p>
      </header>
      <main className="content">
        <ol className="progress" aria-label="Setup steps">
          {steps.map((s, i) => (
            <li key={s} className={i < at ? 'done' : i === at ? 'current' : ''} aria-current={i === at ? 'step' : undefined}>
              {STEP_NAMES[s]}
            </li>
          ))}
        </ol>
        {step === 'disk' && <DiskAccessStep heading={heading} onNext={next} />}
        {step === 'connect' && <ConnectStep heading={heading} onNext={next} />}
        {step === 'mapping' && (
          <FirstMappingStep
            heading={heading}
            onNext={(mapped) => {
              setHost(mapped);
              next();
            }}
          />
        )}
        {step === 'agent' && <AgentSetupStep heading={heading} host={host} onFinish={onFinish} />}
        <p className="skip">
          <button type="button" className="link-button" onClick={onFinish}>
            Skip setup
          </button>
        </p>
      </main>
    </div>
  );
}

const STEP_NAMES: Record<Step, string> = { disk: 'Disk access', connect: '1Password', mapping: 'Mapping', agent: 'Agents' };
