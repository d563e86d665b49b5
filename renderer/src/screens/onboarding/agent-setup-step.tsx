import type { RefObject } from 'react';
import { useAction, useQuery } from '../../api/use-call.js';
import { ActionButton } from '../../components/action-button.js';
import { ProbeOutcome } from '../../components/check-results.js';
import { CopyBlock } from '../../components/copy-block.js';
import { BusyNote, ErrorNote } from '../../components/notes.js';
import { shellExports } from '../../format/shell-exports.js';

/** The agent's environment to copy, and one real request through the gateway to prove it works. */
export function AgentSetupStep({ heading, host, onFinish }: { heading: RefObject<HTMLHeadingElement | null>; host: string | undefined; onFinish(): void }) {
  const env = useQuery('env.get', {});
  const probe = useAction('mappings.probe');
  return (
    <section className="step" aria-labelledby="step-title">
      <h1 id="step-title" ref={heading} tabIndex={-1}>
        Set up your agent
      </h1>
      <p className="lead">Paste these lines into the shell that runs your agent. They point it at the gateway with its own token.</p>
      {env.loading && <BusyNote>Preparing the agent setup…</BusyNote>}
      <ErrorNote error={env.error} />
      {env.data && <CopyBlock label={`Shell setup for agent “${env.data.agent}”`} text={shellExports(env.data.vars)} copyLabel="Copy setup" />}
      <CopyBlock label="Or run one command with it" text="onecli-launcher run -- <command>" />

      {host && (
        <div className="card card-padded">
          <h2>Test a request</h2>
          <p className="small muted">Sends one request to {host} through the gateway, as your agent would.</p>
          <ActionButton busy={probe.busy} busyLabel="Testing…" onClick={() => void probe.run({ host })}>
            Test a request
          </ActionButton>
          <ErrorNote error={probe.error} />
          {probe.result && <ProbeOutcome result={probe.result} />}
        </div>
      )}

      <div className="form-actions">
        <ActionButton variant="primary" onClick={onFinish}>
          Done
        </ActionButton>
      </div>
    </section>
  );
}
