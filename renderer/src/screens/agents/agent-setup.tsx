import { useQuery } from '../../api/use-call.js';
import { CopyBlock } from '../../components/copy-block.js';
import { BusyNote, ErrorNote } from '../../components/notes.js';
import { shellExports } from '../../format/shell-exports.js';

/** One agent's shell setup (`env.get {agent}`), ready to copy. */
export function AgentSetup({ agent }: { agent: string }) {
  const env = useQuery('env.get', { agent });
  if (env.loading && !env.data) return <BusyNote>Preparing the setup…</BusyNote>;
  if (env.error) return <ErrorNote error={env.error} />;
  if (!env.data) return null;
  return <CopyBlock label={`Shell setup for “${env.data.agent}”`} text={shellExports(env.data.vars)} copyLabel="Copy setup" />;
}
