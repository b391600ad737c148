/**
 * Identities of the stack: role names and what each implies ({@link io.edgeloop.common.auth.Roles}), the signing key
 * files ({@link io.edgeloop.common.auth.AuthKeys}), minting of signed bearer tokens
 * ({@link io.edgeloop.common.auth.TokenMinter}) and the revocation list every service reads
 * ({@link io.edgeloop.common.auth.RevocationList}).
 */
package io.edgeloop.common.auth;
