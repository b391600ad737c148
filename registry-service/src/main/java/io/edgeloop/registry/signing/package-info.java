/** Ed25519 signing of artifacts: the registry's key, per-artifact signatures and the public keys that verify them. */
package io.edgeloop.registry.signing;
