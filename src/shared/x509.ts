// @peculiar/x509 resolves its services through tsyringe, which needs the Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/**
 * @peculiar/x509, wired to Node's WebCrypto: the one place it is set up, for the core (the local
 * CA) and for leaf minting (gateway and doctor). Node only: the renderer must never import this
 * (test/unit/lint/renderer-imports.test.ts holds it to that).
 */
export { x509 };
/** The key type @peculiar/x509's typings name (the DOM's); Node's keys are the same objects. */
export type X509Key = Parameters<typeof x509.SubjectKeyIdentifierExtension.create>[0];
