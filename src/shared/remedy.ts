import { z } from 'zod';

/**
 * What the user can do about a failure, named rather than worded: each surface says it in its
 * own way. The UI shows a button or a link to the right screen; a terminal (the CLI, and the
 * gateway's 502 answers to agents) names a command, from `REMEDY_COMMANDS`. A failure's own
 * sentence (an error's message, a doctor check's fix) says what is wrong, never a command.
 */
export const Remedy = z.enum([
  'connect-1password',
  'restart-gateway',
  'choose-port',
  'choose-op',
  'add-mappings',
  'open-doctor',
  'replace-mapping',
  'list-mappings',
  'create-agent',
]);
export type Remedy = z.infer<typeof Remedy>;

/** How a terminal says each remedy: the command to run. */
export const REMEDY_COMMANDS: Record<Remedy, string> = {
  'connect-1password': 'onecli-launcher pair --service-account - (token on stdin), or onecli-launcher pair --desktop',
  'restart-gateway': 'onecli-launcher gateway restart',
  'choose-port': 'start the launcher with --port <free port>',
  'choose-op': 'to use a particular op: --op-path <absolute path of op> (command -v op prints it)',
  'add-mappings': 'onecli-launcher mappings add HOST REF',
  'open-doctor': 'onecli-launcher doctor',
  'replace-mapping': 'onecli-launcher mappings add … --replace (or give the new one its own prefix with --path)',
  'list-mappings': 'onecli-launcher mappings list',
  'create-agent': 'onecli-launcher agents create NAME',
};

/** A sentence and its remedy, as a terminal prints them. */
export function withRemedyCommand(sentence: string, remedy: Remedy | undefined): string {
  return remedy ? `${sentence} Run: ${REMEDY_COMMANDS[remedy]}` : sentence;
}
