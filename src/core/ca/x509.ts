/** @peculiar/x509, wired to Node's WebCrypto: set up once in src/shared/x509.ts. */
export { x509, type X509Key } from '../../shared/x509.js';
