/**
 * Authentication and authorization shared by every app: bearer JWTs verified by SmallRye JWT on REST and gRPC
 * ({@link io.edgeloop.kit.auth.BearerGrpcMechanism}), role expansion and revocation
 * ({@link io.edgeloop.kit.auth.RoleAugmentor}), the app's own credential on its outgoing gRPC calls
 * ({@link io.edgeloop.kit.auth.ServiceCredentials}) and checks on who the caller is ({@link io.edgeloop.kit.auth.Caller}).
 */
package io.edgeloop.kit.auth;
