/**
 * The swarm's identity (DESIGN §7): the root CA that managers hold, the certificates it issues to
 * nodes (subject {@code CN=<node id>, OU=<role>, O=<cluster id>}), the TLS material every node
 * serves and dials with, and the caller's identity on a gRPC call, taken from the verified peer
 * certificate and never from a request field. BouncyCastle does the ASN.1; JSSE does the TLS.
 */
package io.jswarm.pki;
